"""Statements per update for the commonest two: a search list page and a product card.

Each statement costs the bot about a millisecond of CPU (ORM + driver round trip), so these counts are
pinned: a change that brings back a query of its own (the EANs of listed products, a stock sum per
page, one query per sales channel, the photo's file id) fails here on both engines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.types import CallbackQuery
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext
from sqlalchemy import event, inspect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.callbacks import ProductAction, ProductCb
from bot.guards import card_product
from bot.middlewares.i18n import build_core
from bot.views.card import product_card
from domain.catalog import Catalog, InitialStock
from domain.db import Database
from domain.models import AllegroOffer, Product, ProductImage, Role, User, WixProductMapping
from domain.search import MatchKind, search_products
from tests.integration.seed import ACTOR, EAN, OTHER_EAN, add_channel_accounts, seed

SEARCH_PAGE_STATEMENTS = 2  # the exact SKU/EAN lookup, then the ranked page with its total and stock
CARD_STATEMENTS = 3  # product with EANs and photo id, stock per warehouse, channel links
STAFF = User(telegram_id=1, display_name="Anna", role=Role.STAFF, active=True, muted_alerts=[])


@pytest.fixture(scope="module")
async def i18n() -> AsyncIterator[I18nContext]:
    core = build_core("en")
    await core.startup()
    yield I18nContext(locale="en", core=core, manager=None, data={})  # type: ignore[arg-type]
    await core.shutdown()


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _begun(session: AsyncSession) -> None:
    await session.connection()  # BEGIN is the update's, not the search's or the card's


async def _mugs(db: Database, count: int) -> list[int]:
    """`count` mugs with 1..count units in MAIN (and 1 more in SHOP for the first); returns their ids."""
    base = await seed(db, sku="PLATE-1", name="Plate", eans=())
    async with db.transaction() as session:
        catalog = Catalog(session)
        ids = [
            (
                await catalog.create(
                    ACTOR,
                    sku=f"MUG-{n}",
                    name=f"Kubek {n}",
                    initial_stock=[InitialStock(base.main, n)]
                    + ([InitialStock(base.second, 1)] if n == 1 else []),
                )
            ).id
            for n in range(1, count + 1)
        ]
    return ids


async def test_a_search_list_page_is_two_statements(db: Database) -> None:
    ids = await _mugs(db, 10)
    async with db.transaction() as session:
        await _begun(session)
        with counted(db.engine) as statements:
            first = await search_products(session, "kubek", limit=8)
            second = await search_products(session, "kubek", limit=8, offset=8)
        assert len(statements) == 2 * SEARCH_PAGE_STATEMENTS, statements
        assert (first.kind, first.total, len(first.products), len(second.products)) == (
            MatchKind.WORDS,
            10,
            8,
            2,
        )
        listed = first.products + second.products
        expected = {product_id: n + (n == 1) for n, product_id in enumerate(ids, start=1)}
        assert {**first.available, **second.available} == expected
        # The list never shows EANs: they are not read, and touching them fails loudly.
        assert all("eans" in inspect(product).unloaded for product in listed)
        with pytest.raises(InvalidRequestError):
            _ = listed[0].eans


async def test_an_exact_match_is_one_statement_with_its_stock(db: Database) -> None:
    ids = await _mugs(db, 2)
    async with db.transaction() as session:
        await _begun(session)
        with counted(db.engine) as statements:
            result = await search_products(session, "mug-2")
        assert len(statements) == 1, statements
        assert (result.kind, [p.id for p in result.products], result.available) == (
            MatchKind.SKU,
            [ids[1]],
            {ids[1]: 2},
        )


async def _linked_product(db: Database) -> int:
    """A product with two EANs, stock in two warehouses, a photo, two Allegro offers and a Wix item."""
    allegro, wix = await add_channel_accounts(db)
    base = await seed(db, on_hand=5, eans=(EAN, OTHER_EAN))
    pushed = datetime(2026, 1, 15, 9, 5, tzinfo=UTC)
    async with db.transaction() as session:
        await Catalog(session).create(ACTOR, sku="OTHER-1", name="Other", eans=())
        session.add_all(
            [
                ProductImage(
                    product_id=base.product_id,
                    display_webp=b"d",
                    thumb_webp=b"t",
                    width=1,
                    height=1,
                    sha256="0" * 64,
                    telegram_file_id="file-1",
                ),
                AllegroOffer(account_id=allegro, offer_id="222", product_id=base.product_id, status="ACTIVE"),
                AllegroOffer(
                    account_id=allegro,
                    offer_id="111",
                    product_id=base.product_id,
                    status="ENDED",
                    last_pushed_quantity=5,
                    last_pushed_at=pushed,
                ),
                WixProductMapping(
                    account_id=wix,
                    product_id=base.product_id,
                    sku="MUG-1",
                    wix_product_id="w-1",
                    last_pushed_quantity=5,
                    last_pushed_at=pushed,
                ),
            ]
        )
    return base.product_id


def _assert_full_card(text: str) -> None:
    assert EAN in text and OTHER_EAN in text
    assert "MAIN" in text
    assert text.index("111") < text.index("222")  # offers by account, then offer id
    assert "site" in text


async def test_a_card_is_three_statements(db: Database, i18n: I18nContext) -> None:
    product_id = await _linked_product(db)
    async with db.transaction() as session:
        await _begun(session)
        with counted(db.engine) as statements:
            view = await product_card(session, i18n, product_id, STAFF)
        assert len(statements) == CARD_STATEMENTS, statements
    _assert_full_card(view.text)
    assert (view.has_photo, view.photo_file_id) == (True, "file-1")


async def test_a_card_of_a_listed_product_reads_its_eans(db: Database, i18n: I18nContext) -> None:
    """A search that finds one product opens its card in the same session: the EANs the list left out
    come with the card's product statement, not as an extra one."""
    product_id = await _linked_product(db)
    async with db.transaction() as session:
        await _begun(session)
        result = await search_products(session, "lodz")
        assert [product.id for product in result.products] == [product_id]
        with counted(db.engine) as statements:
            view = await product_card(session, i18n, product_id, STAFF)
        assert len(statements) == CARD_STATEMENTS, statements
    _assert_full_card(view.text)


async def test_a_card_without_photo_or_channels(db: Database, i18n: I18nContext) -> None:
    base = await seed(db, eans=())
    async with db.transaction() as session:
        await _begun(session)
        await session.get(Product, base.product_id)  # as a card button's guard reads it first
        with counted(db.engine) as statements:
            view = await product_card(session, i18n, base.product_id, STAFF)
        assert len(statements) == CARD_STATEMENTS, statements
    assert (view.has_photo, view.photo_file_id) == (False, None)
    assert i18n.get("card-allegro-not-linked") in view.text and i18n.get("card-wix-not-linked") in view.text


async def test_a_card_button_is_one_statement_before_the_card(db: Database, i18n: I18nContext) -> None:
    """A list's button: the guard reads the product (with its EANs, which the card then reuses), then
    the card."""
    product_id = await _linked_product(db)
    query = CallbackQuery(
        id="1", from_user=TelegramUser(id=1, is_bot=False, first_name="Anna"), chat_instance="chat"
    )
    pressed = ProductCb(action=ProductAction.VIEW, product_id=product_id)
    async with db.transaction() as session:
        await _begun(session)
        with counted(db.engine) as statements:
            product = await card_product(query, pressed, session, i18n, STAFF)
            assert product is not None and [row.ean for row in product.eans]
            await product_card(session, i18n, product_id, STAFF)
        assert len(statements) == 1 + CARD_STATEMENTS, statements
