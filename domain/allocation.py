"""Pure rules: which warehouses a channel sale takes its units from, and what a line holds where."""

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


Allocation = dict[int, int]
"""Units per warehouse id."""


def merge(first: Mapping[int, int], second: Mapping[int, int]) -> Allocation:
    merged = dict(first)
    for warehouse_id, units in second.items():
        merged[warehouse_id] = merged.get(warehouse_id, 0) + units
    return {warehouse_id: units for warehouse_id, units in merged.items() if units > 0}


def take_back(allocation: Mapping[int, int], units: int, priority: Sequence[int]) -> Allocation:
    """Which units to give back when a line shrinks: from the last warehouse in priority order first."""
    order = list(reversed(warehouse_order(priority, list(allocation))))
    given: Allocation = {}
    for warehouse_id in order:
        if units <= 0:
            break
        part = min(units, allocation[warehouse_id])
        if part:
            given[warehouse_id] = part
            units -= part
    return given


def subtract(allocation: Mapping[int, int], part: Mapping[int, int]) -> Allocation:
    left = {warehouse_id: units - part.get(warehouse_id, 0) for warehouse_id, units in allocation.items()}
    return {warehouse_id: units for warehouse_id, units in left.items() if units > 0}
