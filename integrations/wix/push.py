"""Push desired stock levels to Wix by SKU and report, per SKU, what happened.

Plan from one fresh read, write in as few calls as the API allows, and never count twice:
- V1 sends differences (`increment`/`decrement`, ≤300 per call). A Wix sale between our read and our
  write survives, because only our difference is applied.
- V3 sends absolute levels in bulk updates (≤1000 per call) guarded by each item's revision. An item
  whose revision moved (a sale, most likely) is re-read and gets our difference on top of its new level,
  which is what V1 does by construction.
- A batch that failed without a clear answer (5xx, timeout, garbage) may have been applied. Its items are
  re-read, and whatever is not yet at its target is sent again as target minus the fresh level, in
  batches half the size that failed. Items Wix refused (4xx) are bisected to find the culprit, which is
  reported; the rest go through.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, auto
from typing import TYPE_CHECKING, Protocol

from integrations.wix.batching import SHRINKABLE, BatchKind, BatchSizes
from integrations.wix.errors import (
    WixAuthError,
    WixBadRequest,
    WixCatalogVersionMismatch,
    WixError,
    WixNetworkError,
    WixNotFound,
    WixPreconditionFailed,
    WixProtocolError,
    WixRateLimited,
    WixRevisionConflict,
    WixServerError,
)
from integrations.wix.lookup import lookup_skus, v1_units, v3_items_where_in
from integrations.wix.models import (
    ApplicationError,
    CatalogVersion,
    V1DecrementEntry,
    V1IncrementEntry,
    V3QuantityUpdate,
)
from integrations.wix.results import QuantityChange, SkuLookup, UpdateReport, WixProductInfo
from integrations.wix.sku import split_skus

if TYPE_CHECKING:
    from integrations.wix.client import WixApiService

V3_MAX_QUANTITY = 99_999

# The write may or may not have happened: re-read before sending again.
UNSURE_ERRORS = (WixServerError, WixNetworkError, WixRateLimited, WixProtocolError)
# Wix refused the whole batch, so nothing happened; a bad or vanished item is found by bisecting.
BISECTABLE_ERRORS = (WixBadRequest, WixNotFound)
# Wix refused the whole batch for a reason that no smaller batch would change.
REFUSED_ERRORS = (WixRevisionConflict, WixPreconditionFailed)
BISECT_BUDGET = 32  # extra requests per push spent isolating refused items


class _State(Enum):
    PENDING = auto()
    DONE = auto()
    FAILED = auto()
    UNSURE = auto()  # the write may have landed
    CONFLICT = auto()  # V3: the item changed since we read it; our write did not land


@dataclass
class _Entry:
    sku: str
    info: WixProductInfo
    desired: int
    before: int  # the level at the first read
    current: int  # the level as last known
    target: int  # the level we are writing towards
    revision: str | None
    state: _State = _State.PENDING
    reason: str = ""

    @property
    def change(self) -> int:
        return self.target - self.current

    def mark(self, state: _State, reason: str = "") -> None:
        self.state = state
        self.reason = reason

    def replan(self) -> None:
        """After a re-read: done if Wix is at the target, else aim again."""
        if self.state is _State.CONFLICT:
            # Our write did not land; whatever moved the level (a sale) stays, our difference goes on top.
            self.target = max(0, self.current + self.desired - self.before)
        if self.current == self.target:
            self.mark(_State.DONE)
        else:
            self.mark(_State.PENDING)


def is_revision_conflict(error: ApplicationError | None) -> bool:
    """Wix does not document the per-item code of a stale revision; any code or text naming it counts."""
    if error is None:
        return False
    return "REVISION" in error.code.upper() or "revision" in error.description.lower()


class _Sender:
    """Sends entries in batches of `sizes[kind]`; the `send` callables mark the entries Wix answered for.

    A batch Wix refused as a whole (400/404) is split in halves to find the item at fault, within a
    budget of extra requests per push: a refusal that is not about one item would otherwise cost two
    requests per item.
    """

    def __init__(self, sizes: BatchSizes, bisect_budget: int = BISECT_BUDGET) -> None:
        self.sizes = sizes
        self.bisect_budget = bisect_budget

    async def run(
        self, kind: BatchKind, entries: Sequence[_Entry], send: Callable[[list[_Entry]], Awaitable[None]]
    ) -> None:
        bisected: deque[list[_Entry]] = deque()
        rest = list(entries)
        while bisected or rest:
            if bisected:
                chunk = bisected.popleft()
            else:
                size = self.sizes[kind]
                chunk, rest = rest[:size], rest[size:]
            try:
                await send(chunk)
            except WixCatalogVersionMismatch:
                raise
            except UNSURE_ERRORS as exc:
                for entry in chunk:
                    entry.mark(_State.UNSURE, str(exc))
                if len(chunk) > 1 and isinstance(exc, SHRINKABLE):
                    self.sizes.shrink(kind, len(chunk))
            except BISECTABLE_ERRORS as exc:
                if len(chunk) > 1 and self.bisect_budget >= 2:
                    self.bisect_budget -= 2
                    middle = len(chunk) // 2
                    bisected.extendleft([chunk[middle:], chunk[:middle]])
                else:
                    _failed(chunk, str(exc))
            except REFUSED_ERRORS as exc:
                _failed(chunk, str(exc))


def _failed(chunk: Sequence[_Entry], reason: str) -> None:
    for entry in chunk:
        entry.mark(_State.FAILED, reason)


def _applied(chunk: Sequence[_Entry]) -> None:
    for entry in chunk:
        entry.current = entry.target
        entry.mark(_State.DONE)


def _v1_ids(entry: _Entry) -> dict[str, str]:
    return {"product_id": entry.info.product_id, "variant_id": entry.info.variant_id}


class _Writer(Protocol):
    async def write(self, entries: list[_Entry]) -> None: ...

    async def refresh(self, entries: list[_Entry]) -> None: ...


class _V1Writer:
    def __init__(self, wix: WixApiService) -> None:
        self.wix = wix
        self.sender = _Sender(wix.effective_batch_size)

    async def write(self, entries: list[_Entry]) -> None:
        _applied([entry for entry in entries if entry.change == 0])
        ups = [entry for entry in entries if entry.change > 0]
        downs = [entry for entry in entries if entry.change < 0]
        await self.sender.run(BatchKind.V1_INCREMENT, ups, self._increment)
        await self.sender.run(BatchKind.V1_DECREMENT, downs, self._decrement)

    async def _increment(self, chunk: list[_Entry]) -> None:
        await self.wix.increment_inventory(
            [V1IncrementEntry(**_v1_ids(e), increment_by=e.change) for e in chunk]
        )
        _applied(chunk)

    async def _decrement(self, chunk: list[_Entry]) -> None:
        await self.wix.decrement_inventory(
            [V1DecrementEntry(**_v1_ids(e), decrement_by=-e.change) for e in chunk]
        )
        _applied(chunk)

    async def refresh(self, entries: list[_Entry]) -> None:
        products = await self.wix.get_products_by_ids(entry.info.product_id for entry in entries)
        levels = {(u.product_id, u.variant_id): u for product in products for u in v1_units(product)}
        for entry in entries:
            unit = levels.get((entry.info.product_id, entry.info.variant_id))
            if unit is None or unit.current_quantity is None or not unit.track_quantity:
                entry.mark(_State.FAILED, "no longer in Wix, or its quantity is no longer tracked")
            else:
                entry.current = unit.current_quantity


class _V3Writer:
    def __init__(self, wix: WixApiService) -> None:
        self.wix = wix
        self.sender = _Sender(wix.effective_batch_size)

    async def write(self, entries: list[_Entry]) -> None:
        await self.sender.run(BatchKind.V3_BULK_UPDATE, entries, self._update)

    async def _update(self, chunk: list[_Entry]) -> None:
        updates = [
            V3QuantityUpdate(id=e.info.inventory_item_id or "", revision=e.revision or "", quantity=e.target)
            for e in chunk
        ]
        try:
            result = await self.wix.bulk_update_inventory_items(updates)
        except WixRevisionConflict as exc:
            for entry in chunk:
                entry.mark(_State.CONFLICT, str(exc))
            return
        answered: set[int] = set()
        for item_result in result.results:
            meta = item_result.item_metadata
            if not 0 <= meta.original_index < len(chunk):
                continue
            answered.add(meta.original_index)
            entry = chunk[meta.original_index]
            if meta.success:
                entry.revision = item_result.item.revision if item_result.item else None
                _applied([entry])
            elif is_revision_conflict(meta.error):
                entry.mark(_State.CONFLICT, f"revision conflict ({meta.error.code if meta.error else ''})")
            else:
                error = meta.error or ApplicationError()
                entry.mark(_State.FAILED, f"{error.code or 'failed'}: {error.description}".rstrip(": "))
        for index, entry in enumerate(chunk):
            if index not in answered:
                entry.mark(_State.UNSURE, "Wix sent no result for this item")

    async def refresh(self, entries: list[_Entry]) -> None:
        ids = [entry.info.inventory_item_id or "" for entry in entries]
        items = {item.id: item for item in await v3_items_where_in(self.wix, "id", ids)}
        for entry in entries:
            item = items.get(entry.info.inventory_item_id or "")
            if item is None or item.quantity is None or not item.track_quantity or not item.revision:
                entry.mark(_State.FAILED, "no longer in Wix, or its quantity is no longer tracked")
            else:
                entry.current, entry.revision = item.quantity, item.revision


async def _write_rounds(writer: _Writer, entries: list[_Entry], rounds: int) -> None:
    for round_number in range(1, max(1, rounds) + 1):
        await writer.write([entry for entry in entries if entry.state is _State.PENDING])
        unsure = [entry for entry in entries if entry.state in (_State.UNSURE, _State.CONFLICT)]
        if not unsure:
            return
        if round_number >= rounds:
            for entry in unsure:
                entry.mark(_State.FAILED, f"gave up after {rounds} attempts: {entry.reason}")
            return
        try:
            await writer.refresh(unsure)
        except (WixAuthError, WixCatalogVersionMismatch):
            raise
        except WixError as exc:
            _failed(unsure, f"could not re-read after a failed write: {exc}")
            return
        for entry in unsure:
            if entry.state is not _State.FAILED:
                entry.replan()


def _plan(
    version: CatalogVersion,
    found: Mapping[str, WixProductInfo],
    levels: Mapping[str, int],
    report: UpdateReport,
) -> list[_Entry]:
    entries = []
    for sku, info in found.items():
        desired = levels[sku]
        if not info.track_quantity or info.current_quantity is None:
            report.failed[sku] = "Wix does not track this item's quantity"
        elif info.current_quantity == desired:
            report.unchanged[sku] = desired
        elif version is CatalogVersion.V3 and desired > V3_MAX_QUANTITY:
            report.failed[sku] = f"above Wix's maximum quantity {V3_MAX_QUANTITY}"
        elif version is CatalogVersion.V3 and not (info.revision and info.inventory_item_id):
            report.failed[sku] = "Wix sent no inventory item revision"
        else:
            current = info.current_quantity
            entries.append(_Entry(sku, info, desired, current, current, desired, info.revision))
    return entries


async def push_levels(
    wix: WixApiService,
    version: CatalogVersion,
    levels: Mapping[str, int],
    known: Mapping[str, WixProductInfo],
    fresh: SkuLookup | None = None,
) -> UpdateReport:
    """`fresh`: a lookup this run has just made (a full crawl); planned from instead of reading again.

    That is as safe as a read of our own: V1 sends differences, so a sale made since survives, and a V3
    update carries the revision read, so an item changed since is re-read and retried.
    """
    report = UpdateReport(catalog_version=version)
    valid, invalid = split_skus(levels)
    report.failed.update(invalid)
    for sku in valid:
        if levels[sku] < 0:
            report.failed[sku] = "negative level"
    wanted = [sku for sku in valid if sku not in report.failed]
    if fresh is not None and fresh.catalog_version is version:
        lookup = fresh.restricted_to(wanted)
    else:
        lookup = await lookup_skus(wix, version, wanted, known)
    report.missing = list(lookup.missing)
    report.failed.update({sku: why for sku, why in lookup.problems().items() if sku in lookup.duplicates})
    entries = _plan(version, lookup.found, levels, report)
    writer: _Writer = _V1Writer(wix) if version is CatalogVersion.V1 else _V3Writer(wix)
    await _write_rounds(writer, entries, wix.max_push_rounds)
    for entry in entries:
        if entry.state is _State.DONE:
            report.updated[entry.sku] = QuantityChange(entry.before, entry.target)
        else:
            report.failed[entry.sku] = entry.reason or "not confirmed by Wix"
    return report
