"""Search on both engines: exact SKU, exact EAN, folded words, ranking, paging, archived products."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from domain import search
from domain.catalog import Catalog
from domain.db import Database
from domain.search import MatchKind, SearchResult, search_products
from tests.integration.seed import ACTOR, EAN, UPC_A


async def _catalog(db: Database, *products: tuple[str, str, Sequence[str]]) -> dict[str, int]:
    """Create (sku, name, eans) products; returns {sku: id}."""
    async with db.transaction() as session:
        catalog = Catalog(session)
        ids = {}
        for sku, name, eans in products:
            ids[sku] = (await catalog.create(ACTOR, sku=sku, name=name, eans=eans)).id
        return ids


async def _search(db: Database, query: str, **options: int | bool) -> SearchResult:
    async with db.transaction() as session:
        return await search_products(session, query, **options)  # type: ignore[arg-type]


def _skus(result: SearchResult) -> list[str]:
    return [product.sku for product in result.products]


async def test_exact_sku_wins_and_is_case_insensitive(db: Database) -> None:
    await _catalog(db, ("AB-1", "Kubek", ()), ("AB-10", "Kubek AB 1 duży", ()))
    result = await _search(db, "  ab-1 ")
    assert (result.kind, _skus(result), result.total, result.has_next) == (MatchKind.SKU, ["AB-1"], 1, False)


@pytest.mark.parametrize("query", [EAN, "4 006381 333931", "40063-81333931"])
async def test_exact_ean(db: Database, query: str) -> None:
    await _catalog(db, ("MUG-1", "Kubek", [EAN]), ("MUG-2", f"Kubek {EAN[:6]}", ()))
    result = await _search(db, query)
    assert (result.kind, _skus(result)) == (MatchKind.EAN, ["MUG-1"])


async def test_upc_a_and_its_ean_13_spelling_find_the_same_product(db: Database) -> None:
    await _catalog(db, ("US-1", "Cereal", [UPC_A]))
    for query in (UPC_A, "0" + UPC_A, "00" + UPC_A):
        result = await _search(db, query)
        assert (result.kind, _skus(result)) == (MatchKind.EAN, ["US-1"]), query


async def test_an_unknown_ean_falls_back_to_words(db: Database) -> None:
    await _catalog(db, ("PART-1", "Śruba 5901234123457 M8", ()))
    result = await _search(db, "5901234123457")
    assert (result.kind, _skus(result)) == (MatchKind.WORDS, ["PART-1"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lodz", ["PL-1"]),
        ("ŁÓDŹ", ["PL-1"]),
        ("zolw kubek", ["PL-2"]),
        ("żółw", ["PL-2"]),
        ("елка", ["RU-1"]),
        ("ЁЛКА", ["RU-1"]),
        ("игрушка", ["RU-1"]),
        ("ru 1", ["RU-1"]),  # the SKU is searchable as words too
        ("kubek nonexistent", []),
    ],
)
async def test_words_ignore_case_and_diacritics(db: Database, query: str, expected: list[str]) -> None:
    await _catalog(
        db,
        ("PL-1", "Kubek Łódź", ()),
        ("PL-2", "Kubek ŻÓŁW zielony", ()),
        ("RU-1", "Ёлка-игрушка", ()),
    )
    result = await _search(db, query)
    assert _skus(result) == expected
    assert result.kind == (MatchKind.WORDS if expected else MatchKind.NONE)


async def test_ranking_word_starts_then_shorter_names(db: Database) -> None:
    await _catalog(
        db,
        ("R-1", "Podkubek", ()),
        ("R-2", "Kubek czerwony duży", ()),
        ("R-3", "Kubek", ()),
        ("R-4", "Kubek czarny", ()),
    )
    result = await _search(db, "kubek")
    assert _skus(result) == ["R-3", "R-4", "R-2", "R-1"]
    # Two words starting a word beat one.
    result = await _search(db, "kubek cz")
    assert _skus(result) == ["R-4", "R-2"]


async def test_paging_total_and_has_next(db: Database) -> None:
    await _catalog(db, *((f"P-{n:02}", f"Płyta {n:02}", ()) for n in range(23)))
    first = await _search(db, "plyta", limit=10)
    assert (first.total, len(first.products), first.has_next, first.has_previous) == (23, 10, True, False)
    last = await _search(db, "plyta", limit=10, offset=20)
    assert (len(last.products), last.has_next, last.has_previous) == (3, False, True)
    seen = _skus(first) + _skus(await _search(db, "plyta", limit=10, offset=10)) + _skus(last)
    assert sorted(seen) == [f"P-{n:02}" for n in range(23)]


async def test_archived_products_are_hidden_unless_asked_for(db: Database) -> None:
    ids = await _catalog(db, ("OLD-1", "Stary kubek", [EAN]), ("NEW-1", "Nowy kubek", ()))
    async with db.transaction() as session:
        await Catalog(session).archive(ACTOR, ids["OLD-1"], None)
    assert _skus(await _search(db, "kubek")) == ["NEW-1"]
    assert (await _search(db, "OLD-1")).kind == MatchKind.NONE
    assert _skus(await _search(db, EAN)) == []
    assert _skus(await _search(db, "OLD-1", include_archived=True)) == ["OLD-1"]
    assert sorted(_skus(await _search(db, "kubek", include_archived=True))) == ["NEW-1", "OLD-1"]


@pytest.mark.parametrize("query", ["%", "_", "%%", "\\", "%_%", "   ", ""])
async def test_like_metacharacters_match_nothing(db: Database, query: str) -> None:
    await _catalog(db, ("A_1", "Rabat 50% a_b", ()), ("B-1", "Kubek", ()))
    result = await _search(db, query)
    assert (result.kind, result.products, result.total) == (MatchKind.NONE, [], 0)


async def test_percent_and_underscore_are_not_wildcards(db: Database) -> None:
    await _catalog(db, ("A_1", "Rabat 50% abc", ()), ("B-1", "Rabat 5 xyz 0", ()))
    # "%" and "_" fold to word breaks, so they never reach LIKE as wildcards: "50%" is the word "50".
    assert _skus(await _search(db, "50%")) == ["A_1"]
    assert _skus(await _search(db, "A_1")) == ["A_1"]
    assert _skus(await _search(db, "ab_c")) == ["A_1"]


async def test_a_page_past_the_end_still_knows_the_total(db: Database) -> None:
    await _catalog(db, *((f"P-{n}", f"Płyta {n}", ()) for n in range(3)))
    beyond = await _search(db, "plyta", limit=10, offset=10)
    assert (beyond.kind, beyond.products, beyond.total, beyond.has_next) == (MatchKind.WORDS, [], 3, False)


async def test_a_very_common_word_is_capped(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "MAX_MATCHES", 5)
    await _catalog(db, *((f"K-{n}", f"Kubek {n}", ()) for n in range(8)), ("R-1", "Rzadki kubek", ()))
    common = await _search(db, "kubek", limit=3)
    assert (common.total, common.capped, len(common.products), common.has_next) == (5, True, 3, True)
    rare = await _search(db, "rzadki")
    assert (rare.total, rare.capped, _skus(rare)) == (1, False, ["R-1"])


async def test_a_sku_made_of_digits_wins_over_the_same_ean(db: Database) -> None:
    await _catalog(db, ("OTHER-1", "Has the code as EAN", [EAN]), (EAN, "Has the code as SKU", ()))
    result = await _search(db, EAN)
    assert (result.kind, _skus(result)) == (MatchKind.SKU, [EAN])
