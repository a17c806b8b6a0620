"""Which warehouses a channel sale takes its units from."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.allocation import allocate, warehouse_order


def test_priority_first_then_the_rest_by_id() -> None:
    assert warehouse_order([3, 1], [1, 2, 3, 4]) == [3, 1, 2, 4]
    assert warehouse_order([9, 2], [1, 2]) == [2, 1]  # an unknown id in the priority list is skipped
    assert warehouse_order([], [5, 1]) == [1, 5]
    assert warehouse_order([2, 2, 1, 2], [1, 2]) == [2, 1]


def test_a_warehouse_listed_twice_is_not_counted_twice() -> None:
    assert allocate({1: 1}, [1, 1], 2) == ({1: 1}, 1)


def test_allocate_follows_the_priority_and_reports_the_shortage() -> None:
    assert allocate({1: 5, 2: 5}, [2], 7) == ({2: 5, 1: 2}, 0)
    assert allocate({1: 1, 2: 0, 3: 2}, [], 5) == ({1: 1, 3: 2}, 2)
    assert allocate({}, [1], 3) == ({}, 3)
    assert allocate({1: -2, 2: 1}, [1], 1) == ({2: 1}, 0)  # a negative reading counts as empty


warehouses = st.dictionaries(st.integers(1, 20), st.integers(-3, 50), max_size=8)


@given(available=warehouses, priority=st.lists(st.integers(1, 25), max_size=6), quantity=st.integers(1, 200))
def test_allocation_never_takes_more_than_there_is_or_than_asked(
    available: dict[int, int], priority: list[int], quantity: int
) -> None:
    allocations, shortage = allocate(available, priority, quantity)
    assert all(0 < units <= available[warehouse] for warehouse, units in allocations.items())
    assert sum(allocations.values()) + shortage == quantity
    free = sum(max(0, units) for units in available.values())
    assert shortage == max(0, quantity - free)
