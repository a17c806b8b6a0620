"""Pure rule: which warehouses a channel sale takes its units from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def warehouse_order(priority: Sequence[int], known: Sequence[int]) -> list[int]:
    """The account's priority list first, then every other warehouse by id (so nothing is skipped)."""
    # dict.fromkeys: a warehouse listed twice must be visited once, or its units would count twice.
    ordered = list(dict.fromkeys(warehouse_id for warehouse_id in priority if warehouse_id in known))
    ordered += sorted(warehouse_id for warehouse_id in set(known) if warehouse_id not in ordered)
    return ordered


def allocate(
    available: Mapping[int, int], priority: Sequence[int], quantity: int
) -> tuple[dict[int, int], int]:
    """Split `quantity` across warehouses in priority order.

    Returns ({warehouse_id: units}, shortage): shortage > 0 when all warehouses together are short.
    """
    allocations: dict[int, int] = {}
    remaining = quantity
    for warehouse_id in warehouse_order(priority, list(available)):
        if remaining <= 0:
            break
        take = min(remaining, max(0, available[warehouse_id]))
        if take:
            allocations[warehouse_id] = take
            remaining -= take
    return allocations, remaining
