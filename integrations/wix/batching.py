"""Batch sizes per kind of call, starting at Wix's maximum and halved when Wix answers 5xx.

The origin system learned that Wix sometimes answers 500 to large batches that it takes in smaller ones,
so every batched call starts at the API maximum (or the caller's cap, or the size the caller persisted for
this site) and halves on a 5xx. `BatchSizes` remembers the size that last worked; the caller may store it
per site and pass it back next time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from enum import StrEnum
from typing import TypeVar

from integrations.wix.errors import WixNetworkError, WixServerError

T = TypeVar("T")


class BatchKind(StrEnum):
    V1_PRODUCT_QUERY = "v1_product_query"
    V1_INVENTORY_QUERY = "v1_inventory_query"
    V1_INCREMENT = "v1_increment"
    V1_DECREMENT = "v1_decrement"
    V3_INVENTORY_QUERY = "v3_inventory_query"
    V3_BULK_UPDATE = "v3_bulk_update"
    V3_INCREMENT = "v3_increment"
    V3_DECREMENT = "v3_decrement"
    ORDERS_SEARCH = "orders_search"


API_MAX: dict[BatchKind, int] = {
    BatchKind.V1_PRODUCT_QUERY: 100,
    BatchKind.V1_INVENTORY_QUERY: 100,
    BatchKind.V1_INCREMENT: 300,
    BatchKind.V1_DECREMENT: 300,
    BatchKind.V3_INVENTORY_QUERY: 1000,
    BatchKind.V3_BULK_UPDATE: 1000,
    BatchKind.V3_INCREMENT: 300,
    BatchKind.V3_DECREMENT: 300,
    BatchKind.ORDERS_SEARCH: 100,
}

# Errors after which a smaller batch may succeed (Wix advises smaller pages on 504, for one).
SHRINKABLE = (WixServerError, WixNetworkError)


class BatchSizes(Mapping[str, int]):
    """`sizes[kind]`: the batch size to use now for that kind (keys are `BatchKind` or its string value)."""

    def __init__(self, max_batch: int | None = None, initial: Mapping[str, int] | None = None) -> None:
        if max_batch is not None and max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._sizes: dict[BatchKind, int] = {}
        for kind, api_max in API_MAX.items():
            size = min(api_max, max_batch or api_max, (initial or {}).get(kind, api_max))
            self._sizes[kind] = max(1, size)

    def __getitem__(self, kind: str) -> int:
        return self._sizes[BatchKind(kind)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sizes)

    def __len__(self) -> int:
        return len(self._sizes)

    def shrink(self, kind: BatchKind, failed_size: int) -> int:
        """Halve below a batch of `failed_size` that failed; returns the new size (at least 1)."""
        self._sizes[kind] = max(1, min(self._sizes[kind], (failed_size + 1) // 2))
        return self._sizes[kind]

    def as_dict(self) -> dict[str, int]:
        return {str(kind): size for kind, size in self._sizes.items()}


async def shrinking(
    sizes: BatchSizes, kind: BatchKind, call: Callable[[int], Awaitable[T]], *, available: int | None = None
) -> T:
    """`call(size)` with the current size for `kind`, halving and calling again while a 5xx or a timeout
    answers a batch larger than one (the client's own retries have already run by then).

    `available` is how many items are left to send, when known: a short last batch halves from its own
    length, not from the nominal size.
    """
    while True:
        size = sizes[kind]
        sent = min(size, available) if available is not None else size
        try:
            return await call(size)
        except SHRINKABLE:
            if sent <= 1:
                raise
            sizes.shrink(kind, sent)
