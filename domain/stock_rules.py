"""The channel-order arithmetic of one stock row: take what there is, report what was taken.

A marketplace has already sold the units, so none of these refuse for lack of stock. They change the
row in place and return the units that moved; `domain.inventory.Inventory` applies them to one locked
ORM row, `domain.stock_book.StockBook` to the rows of a whole page held in memory.
"""

from __future__ import annotations

from typing import Protocol


class Level(Protocol):
    on_hand: int
    reserved: int


def reserve_units(level: Level, quantity: int) -> int:
    taken = max(0, min(quantity, level.on_hand - level.reserved))
    level.reserved += taken
    return taken


def release_units(level: Level, quantity: int) -> int:
    given = min(quantity, level.reserved)
    level.reserved -= given
    return given


def sell_reserved(level: Level, quantity: int) -> int:
    """Reserved units leaving with a sale: off the reservation and off the shelf."""
    sold = min(quantity, level.reserved)
    level.reserved -= sold
    level.on_hand -= sold
    return sold


def sell_available(level: Level, quantity: int) -> int:
    """Unreserved units leaving with a sale."""
    sold = max(0, min(quantity, level.on_hand - level.reserved))
    level.on_hand -= sold
    return sold


def return_units(level: Level, quantity: int) -> None:
    level.on_hand += quantity
