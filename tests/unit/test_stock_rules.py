"""The channel-order arithmetic of one stock row: take what there is, report what was taken."""

from __future__ import annotations

from dataclasses import dataclass

from domain.allocation import merge, subtract, take_back
from domain.stock_rules import release_units, reserve_units, return_units, sell_available, sell_reserved


@dataclass
class Row:
    on_hand: int
    reserved: int


def test_reserve_takes_only_what_is_available() -> None:
    row = Row(5, 3)
    assert reserve_units(row, 4) == 2
    assert row == Row(5, 5)
    assert reserve_units(row, 1) == 0


def test_release_gives_back_at_most_what_is_reserved() -> None:
    row = Row(5, 2)
    assert release_units(row, 3) == 2
    assert row == Row(5, 0)


def test_a_sale_takes_reserved_units_then_available_ones() -> None:
    row = Row(6, 3)
    assert sell_reserved(row, 2) == 2
    assert row == Row(4, 1)
    assert sell_available(row, 5) == 3
    assert row == Row(1, 1)
    assert sell_available(row, 1) == 0


def test_a_return_puts_units_back_on_the_shelf() -> None:
    row = Row(0, 0)
    return_units(row, 4)
    assert row == Row(4, 0)


def test_line_allocations_grow_shrink_and_give_back_from_the_last_warehouse() -> None:
    assert merge({1: 2}, {1: 1, 2: 3}) == {1: 3, 2: 3}
    assert take_back({1: 2, 2: 3}, 4, [1, 2]) == {2: 3, 1: 1}
    assert subtract({1: 2, 2: 3}, {2: 3, 1: 1}) == {1: 1}
