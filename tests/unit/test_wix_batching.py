"""Batch sizes: API maxima, caps, persisted starting values, halving on 5xx."""

from __future__ import annotations

import pytest

from integrations.wix.batching import API_MAX, BatchKind, BatchSizes, shrinking
from integrations.wix.errors import WixServerError


def test_sizes_start_at_the_api_maximum_capped_by_max_batch_and_initial_values() -> None:
    assert BatchSizes().as_dict() == {str(kind): size for kind, size in API_MAX.items()}
    capped = BatchSizes(max_batch=150, initial={"v1_increment": 40, "v3_bulk_update": 5000})
    assert capped["v1_increment"] == 40
    assert capped[BatchKind.V3_BULK_UPDATE] == 150 and capped["v1_product_query"] == 100
    with pytest.raises(ValueError):
        BatchSizes(max_batch=0)


def test_shrink_halves_below_the_failed_batch() -> None:
    sizes = BatchSizes()
    assert sizes.shrink(BatchKind.V1_INCREMENT, 300) == 150
    assert sizes.shrink(BatchKind.V1_INCREMENT, 75) == 38  # a short last batch halves from its own length
    assert sizes.shrink(BatchKind.V1_INCREMENT, 1) == 1


async def test_shrinking_calls_again_with_half_the_size_until_it_works() -> None:
    sizes = BatchSizes()
    asked: list[int] = []

    async def call(size: int) -> int:
        asked.append(size)
        if size > 300:
            raise WixServerError("boom", status=500)
        return size

    assert await shrinking(sizes, BatchKind.V3_INVENTORY_QUERY, call) == 250
    assert asked == [1000, 500, 250] and sizes["v3_inventory_query"] == 250

    asked.clear()
    assert await shrinking(sizes, BatchKind.V3_BULK_UPDATE, call, available=400) == 200
    assert asked == [1000, 200]


async def test_shrinking_gives_up_at_one() -> None:
    async def always_fails(size: int) -> int:
        raise WixServerError("boom", status=503)

    with pytest.raises(WixServerError):
        await shrinking(BatchSizes(max_batch=4), BatchKind.ORDERS_SEARCH, always_fails)
