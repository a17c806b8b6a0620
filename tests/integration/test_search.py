"""Search on both engines: exact SKU, exact EAN, folded words, ranking, paging, archived products."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from sqlalchemy import delete, insert, select, text, update

from domain import search
from domain.catalog import Catalog, name_search_text
from domain.db import Database
from domain.models import Product
from domain.search import MatchKind, SearchResult, search_products
from domain.search_index import FTS_TABLE, match_query, products_fts
from domain.validation import sku_key
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


# --- SQLite's FTS5 trigram index (domain.search_index): the same results as the LIKE filters alone ----


def _like_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Search as before the index: LIKE filters only, on either engine."""
    word_filters = search._word_filters
    monkeypatch.setattr(search, "_word_filters", lambda words, sqlite: word_filters(words, sqlite=False))


async def _index_ids(db: Database, *words: str) -> set[int]:
    """Product ids the FTS index alone returns for words (SQLite only)."""
    async with db.transaction() as session:
        found = await session.scalars(
            select(products_fts.c.rowid).where(products_fts.c[FTS_TABLE].match(match_query(words)))
        )
        return set(found)


async def test_renaming_a_product_moves_it_in_the_index(db: Database) -> None:
    ids = await _catalog(db, ("MUG-1", "Kubek zielony", ()), ("MUG-2", "Kubek czerwony", ()))
    async with db.transaction() as session:
        await Catalog(session).edit(ACTOR, ids["MUG-1"], None, name="Talerz niebieski")
    assert _skus(await _search(db, "zielony")) == []
    assert _skus(await _search(db, "niebieski talerz")) == ["MUG-1"]
    assert _skus(await _search(db, "kubek")) == ["MUG-2"]
    async with db.transaction() as session:  # a bulk UPDATE through SQL, as an import might write it
        renamed = update(Product).where(Product.id == ids["MUG-2"])
        await session.execute(renamed.values(name_search=name_search_text("Miska", "X")))
    assert _skus(await _search(db, "kubek")) == []
    assert _skus(await _search(db, "miska")) == ["MUG-2"]
    if db.is_sqlite:
        assert await _index_ids(db, "kubek") == set()
        assert await _index_ids(db, "talerz") == {ids["MUG-1"]}


async def test_updates_that_keep_the_name_leave_the_index_alone(db: Database) -> None:
    ids = await _catalog(db, ("MUG-1", "Kubek zielony", ()))
    async with db.transaction() as session:
        await Catalog(session).archive(ACTOR, ids["MUG-1"], None)
        await Catalog(session).restore(ACTOR, ids["MUG-1"])
        await session.execute(update(Product).values(low_stock_threshold=3))
    assert _skus(await _search(db, "zielony kubek")) == ["MUG-1"]
    if db.is_sqlite:
        async with db.engine.begin() as conn:  # raises if the index disagrees with `products`
            check = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"
            await conn.execute(text(check))


async def test_deleted_products_leave_the_index(db: Database) -> None:
    ids = await _catalog(db, ("MUG-1", "Kubek zielony", ()), ("MUG-2", "Kubek czerwony", ()))
    async with db.transaction() as session:
        await session.execute(delete(Product).where(Product.id == ids["MUG-1"]))
    assert _skus(await _search(db, "kubek")) == ["MUG-2"]
    assert _skus(await _search(db, "zielony")) == []
    if db.is_sqlite:
        assert await _index_ids(db, "kubek") == {ids["MUG-2"]}


async def test_archived_products_found_through_the_index_stay_hidden(db: Database) -> None:
    ids = await _catalog(db, ("OLD-1", "Stary kubek 1l", ()), ("NEW-1", "Nowy kubek 1l", ()))
    async with db.transaction() as session:
        await Catalog(session).archive(ACTOR, ids["OLD-1"], None)
    assert _skus(await _search(db, "kubek 1l")) == ["NEW-1"]
    assert sorted(_skus(await _search(db, "kubek 1l", include_archived=True))) == ["NEW-1", "OLD-1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("1l", ["S-1", "S-3"]),  # short words only: LIKE alone
        ("xl", ["S-2"]),
        ("kubek 1l", ["S-1"]),  # an indexed word narrows, the short one filters what is left
        ("1l kubek", ["S-1"]),
        ("miska 1l", ["S-3"]),
        ("kubek xl", []),
        ("ab", ["S-2"]),  # part of the SKU "AB-7" in the folded text
    ],
)
async def test_short_words_filter_what_the_index_found(db: Database, query: str, expected: list[str]) -> None:
    await _catalog(db, ("S-1", "Kubek 1l", ()), ("S-2", "Talerz XL AB-7", ()), ("S-3", "Miska 1l", ()))
    assert _skus(await _search(db, query)) == expected


@pytest.mark.parametrize(
    "query",
    [
        '"kubek"',
        'kub"ek',
        '"kubek',
        "kub*",
        "kubek*",
        "-kubek",
        "kubek -zielony",
        "kubek NEAR zielony",
        "NEAR(kubek zielony)",
        "kubek OR talerz",
        "kubek AND NOT zielony",
        "(kubek)",
        "(kubek) OR (",
        "^kubek",
        "name_search:kubek",
        "{name_search}: kubek",
        "kubek + zielony",
    ],
)
async def test_fts_syntax_in_a_query_is_plain_text(
    db: Database, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    await _catalog(
        db,
        ("K-1", "Kubek zielony", ()),
        ("K-2", 'Kubek "or" near talerz', ()),
        ("K-3", "Talerz (and) not", ()),
    )
    found = await _search(db, query)
    _like_only(monkeypatch)
    assert _skus(found) == _skus(await _search(db, query))


@pytest.mark.parametrize(
    "words", [['a"b'], ['"'], ["*"], ["kub*"], ["NEAR(", ")"], ["a OR b"], ["-x", "^y", "c:d"], ["{a b}"]]
)
async def test_match_query_never_lets_syntax_through(db: Database, words: list[str]) -> None:
    if not db.is_sqlite:
        pytest.skip("the FTS5 index exists on SQLite only")
    await _catalog(db, ("Q-1", "Kubek", ()))
    assert await _index_ids(db, *words) == set()  # a syntax error would raise instead


# fmt: off
_NAMES = (
    "Kubek", "Łódź", "Żółw", "ŻÓŁTY", "Gdańsk", "Kraków", "Ёлка", "Ёлочка", "игрушка", "Москва", "чайник",
    "Talerz", "Miska", "plate", "Nordic", "0,5l", "1l", "XL", "2szt", "6шт", "A4", "20cm", "i", "ø",
    "Straße", "d'Artagnan", "50%", "a_b", "(mini)", "—", "pół-litra", "KUB-001", "ёж", "Ї",
)
# fmt: on


def _seeded_names(count: int) -> list[tuple[str, str]]:
    rng = random.Random(5)
    rows = []
    for n in range(count):
        sku = f"{rng.choice(('KUB', 'TAL', 'ЁЛ', 'ŁÓD'))}-{n:03d}"
        words = rng.sample(_NAMES, rng.randint(1, 4))
        if rng.random() < 0.3:
            words.insert(rng.randint(0, len(words)), sku)  # a SKU written inside the name
        rows.append((sku, " ".join(words)))
    return rows


# fmt: off
_EQUIVALENCE_QUERIES = (
    "kubek", "kub", "lodz", "ŁÓDŹ", "zolw", "żółty", "елка", "ёлоч", "игр", "москва", "чай", "kub 001",
    "kub-001", "tal 0", "0,5l", "0 5l", "1l", "xl", "xl kubek", "2szt", "6шт", "6ш", "a4", "20cm", "i",
    "strasse", "artagnan", "d'art", "50%", "a_b", "mini", "pol litra", "ёж", "ї", "ordi", "nordic plate",
    "kubek miska talerz", "nothing", "zz", "1", "0",
)
# fmt: on


@pytest.mark.parametrize("max_matches", [500, 7])
async def test_the_index_finds_what_like_finds(
    db: Database, monkeypatch: pytest.MonkeyPatch, max_matches: int
) -> None:
    monkeypatch.setattr(search, "MAX_MATCHES", max_matches)
    async with db.transaction() as session:  # Core, not the ORM: the triggers index these too
        await session.execute(
            insert(Product),
            [
                {
                    "sku": sku,
                    "sku_key": sku_key(sku),
                    "name": name,
                    "name_search": name_search_text(name, sku),
                    "archived": n % 9 == 0,
                    "version": 1,
                }
                for n, (sku, name) in enumerate(_seeded_names(240))
            ],
        )

    async def pages() -> list[tuple[MatchKind, list[str], int, bool]]:
        seen = []
        for query in _EQUIVALENCE_QUERIES:
            for archived in (False, True):
                for offset in (0, 5, 400):
                    found = await _search(db, query, limit=5, offset=offset, include_archived=archived)
                    seen.append((found.kind, _skus(found), found.total, found.capped))
        return seen

    indexed = await pages()
    _like_only(monkeypatch)
    assert indexed == await pages()
    assert sum(1 for _, skus, _, _ in indexed if skus) > len(_EQUIVALENCE_QUERIES)  # not all empty
