"""Product search: exact SKU, then exact EAN, then words of the name.

Words are matched on `products.name_search`, a case- and diacritics-folded copy of "name sku"
(`domain.validation.search_key`): "lodz" finds "Łódź", "елка" finds "Ёлка". On PostgreSQL a pg_trgm
GIN index serves the `LIKE '%word%'` filters. On SQLite an FTS5 trigram index (`domain.search_index`)
first narrows the rows to those containing every word of TRIGRAM characters or more, then the same LIKE
filters decide on that handful: the index folds case more widely than LIKE, so it can only let more
through, never fewer, and the results are exactly those of the LIKE filters alone. Without it, every
word search scanned all products (30-50 ms of CPU per query on 100,000). Ranking: more words matching
at a word start first, then shorter names, then name order.

A word search ranks and counts at most MAX_MATCHES products: a common word ("kubek" in a catalog of
mugs) matches thousands, and sorting or counting all of them cost a full scan per keystroke (p95 55 ms
on 100,000 products). Past the cap `total` is MAX_MATCHES and `capped` says "refine the query"; the
ranking then orders the first MAX_MATCHES matches found.

A result costs one statement: the listed products come without their EANs (a list never shows them; a
card reads them with the product, `Catalog.get_with_photo`), and their available stock rides along as a
column of the same statement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    Subquery,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased, raiseload

from domain.errors import DomainError
from domain.models import Product, ProductEan, Stock
from domain.search_index import FTS_TABLE, match_query, products_fts
from domain.validation import gtin_key, normalize_gtin, search_words, sku_key

MAX_WORDS = 8
MAX_MATCHES = 500
TRIGRAM = 3


class MatchKind(StrEnum):
    SKU = "sku"
    EAN = "ean"
    WORDS = "words"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class SearchResult:
    kind: MatchKind
    products: list[Product]
    total: int
    offset: int
    limit: int
    capped: bool = False  # more than `total` products match: only the first MAX_MATCHES are ranked
    # Units on hand minus reserved over all warehouses, per listed product id.
    available: Mapping[int, int] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.products) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(word: str) -> ColumnElement[bool]:
    # pg_trgm serves only words of TRIGRAM characters or more. Given a shorter one, the generic plan of
    # a prepared statement still picks the index and then reads all of it: "0,5l" took 115 ms instead
    # of 3 ms on 100,000 products. Short words filter through an expression the index does not cover.
    column = Product.name_search if len(word) >= TRIGRAM else Product.name_search + literal("")
    return column.like(f"%{_escape_like(word)}%", escape="\\")


def _word_filters(words: list[str], *, sqlite: bool) -> list[ColumnElement[bool]]:
    filters = [_contains(word) for word in words]
    indexed = [word for word in words if len(word) >= TRIGRAM]
    if sqlite and indexed:
        # SQLite looks the products up by the sorted ids the index returns: the first MAX_MATCHES
        # matches are still the lowest ids, the ones a scan of the table met first.
        found = select(products_fts.c.rowid).where(products_fts.c[FTS_TABLE].match(match_query(indexed)))
        filters.insert(0, Product.id.in_(found))
    return filters


def _available(product_id: InstrumentedAttribute[int] | ColumnElement[Any]) -> ScalarSelect[Any]:
    """A product's available units as a column of the statement that lists it, not a query of its own."""
    return (
        select(func.coalesce(func.sum(Stock.on_hand - Stock.reserved), 0))
        .where(Stock.product_id == product_id)
        .scalar_subquery()
    )


def _ranking(rows: Subquery) -> tuple[ColumnElement[Any], ...]:
    return (rows.c.word_starts.desc(), func.length(rows.c.name), rows.c.name, rows.c.id)


def _as_gtin(text: str) -> str | None:
    compact = text.replace(" ", "").replace("-", "")
    if not compact.isdigit() or len(compact) not in (8, 12, 13, 14):
        return None
    try:
        return normalize_gtin(compact)
    except DomainError:
        return None


def _exact_query(visible: ColumnElement[bool]) -> Select[tuple[Product, Any]]:
    # A NULL :key or :ean_key matches nothing, so one statement serves "SKU", "EAN" and "either".
    # The EAN's owner is a scalar subquery (EAN keys are unique), not IN: with IN PostgreSQL scans all
    # products.
    owner = select(ProductEan.product_id).where(ProductEan.ean_key == bindparam("ean_key")).scalar_subquery()
    return (
        select(Product, _available(Product.id))
        .options(raiseload(Product.eans))
        .where(or_(Product.sku_key == bindparam("key"), Product.id == owner), visible)
        .order_by(case((Product.sku_key == bindparam("key"), 0), else_=1))  # a SKU of digits beats an EAN
        .limit(1)
    )


# Every search runs it first, so it is built once (per archived or not), with bound parameters: building a
# statement and computing its cache key cost more Python time than the round trip itself.
_EXACT = {False: _exact_query(Product.archived.is_(False)), True: _exact_query(literal(True))}


async def _exact(session: AsyncSession, text: str, include_archived: bool, limit: int) -> SearchResult | None:
    """The product whose SKU is `text`, else the one with `text` as an EAN: one statement for both."""
    key = sku_key(text) if len(text) <= 64 else None
    gtin = _as_gtin(text)
    if key is None and gtin is None:
        return None
    params = {"key": key, "ean_key": gtin_key(gtin) if gtin is not None else None}
    row = (await session.execute(_EXACT[include_archived], params)).first()
    if row is None:
        return None
    found, available = row
    kind = MatchKind.SKU if found.sku_key == key else MatchKind.EAN
    return SearchResult(kind, [found], 1, 0, limit, available={found.id: int(available)})


async def search_products(
    session: AsyncSession,
    query: str,
    *,
    limit: int = 10,
    offset: int = 0,
    include_archived: bool = False,
) -> SearchResult:
    text = (query or "").strip()
    if not text:
        return SearchResult(MatchKind.NONE, [], 0, offset, limit)
    exact = await _exact(session, text, include_archived, limit)
    if exact is not None:
        return exact

    words = search_words(text)[:MAX_WORDS]
    if not words:
        return SearchResult(MatchKind.NONE, [], 0, offset, limit)
    visible = literal(True) if include_archived else Product.archived.is_(False)
    filters = _word_filters(words, sqlite=session.get_bind().dialect.name == "sqlite")
    padded = literal(" ") + Product.name_search
    word_starts = sum(
        (case((padded.like(f"% {_escape_like(word)}%", escape="\\"), 1), else_=0) for word in words),
        start=literal(0, Integer),
    )
    # One statement: the first MAX_MATCHES matches, ranked, with their count riding along each row; the
    # available stock is read around the page, so only for the page's rows, not for every match.
    matches = (
        select(Product, word_starts.label("word_starts"))
        .where(visible, *filters)
        .limit(MAX_MATCHES)
        .subquery()
    )
    page = (
        select(matches, func.count().over().label("total"))
        .order_by(*_ranking(matches))
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    listed = aliased(Product, page)
    rows = (
        await session.execute(
            select(listed, page.c.total, _available(page.c.id))
            .options(raiseload(listed.eans))
            .order_by(*_ranking(page))
        )
    ).all()
    if rows:
        total = rows[0][1]
    elif offset:  # a page past the end: the count is still wanted
        total = await session.scalar(select(func.count()).select_from(matches)) or 0
    else:
        total = 0
    if total == 0:
        return SearchResult(MatchKind.NONE, [], 0, offset, limit)
    products = [row[0] for row in rows]
    available = {row[0].id: int(row[2]) for row in rows}
    return SearchResult(
        MatchKind.WORDS, products, total, offset, limit, capped=total >= MAX_MATCHES, available=available
    )
