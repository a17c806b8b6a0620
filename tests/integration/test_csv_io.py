"""Products CSV import and stock export on both engines."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, FluentSerializer, ast

from domain.catalog import Catalog
from domain.csv_io import (
    MESSAGES,
    ImportReport,
    apply_plan,
    export_stock,
    import_products,
    parse_products_csv,
    plan_import,
    write_stock_csv,
)
from domain.db import Database
from domain.errors import ConflictError
from domain.inventory import Inventory
from domain.models import OperationType
from domain.people import Warehouses
from tests.integration.seed import ACTOR, EAN, OTHER_EAN, UPC_A, levels, operations, seed, stock

HEADER = "sku,name,ean,warehouse,quantity\n"
LOCALES = Path(__file__).resolve().parents[2] / "bot" / "locales"
# Problems of several kinds, each on its own line (the bot and the command line tests use it too).
PROBLEMS_CSV = (
    "sku,name,ean,warehouse,quantity\n"
    "OK-1,Kubek,,MAIN,1\n"
    "bad sku,Miska,,MAIN,1\n"
    "OK-2,Talerz,4006381333932,MAIN,1\n"
    "OK-3,Łyżka,,,4\n"
    "OK-1,Kubek duży,,SHOP,1\n"
).encode()


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(line + "\n" for line in lines)).encode()


async def _import(
    db: Database, data: bytes, *, dry_run: bool = False, source: str = "products.csv"
) -> ImportReport:
    return await import_products(db, data, source=source, actor=ACTOR, dry_run=dry_run)


async def _products(db: Database) -> dict[str, tuple[str, list[str]]]:
    """{sku: (name, eans)} of every product."""
    async with db.transaction() as session:
        return {p["sku"]: (p["name"], p["eans"]) for p in await export_stock(session)}


# --- parsing (no database) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"sku,name,ean,warehouse,quantity\nA-1,Kubek,4006381333931 5901234123457,MAIN,3\n",
        b"\xef\xbb\xbfSKU;Name;EAN;Warehouse;Quantity\r\nA-1;Kubek;4006381333931,5901234123457;main;3\r\n",
        b'sku;name;eans;warehouse;qty\nA-1;Kubek;"4006381333931;5901234123457";MAIN;3\n',
        b"name\tsku\tquantity\twarehouse\tean\tcomment\n"
        b"Kubek\tA-1\t3\tMAIN\t4006381333931 5901234123457\tx\n",
    ],
    ids=["comma", "bom-semicolon-crlf", "quoted-semicolon-list", "tab-any-order"],
)
def test_parse_accepts_common_spreadsheet_exports(data: bytes) -> None:
    rows, errors = parse_products_csv(data)
    assert errors == []
    ((row),) = rows
    assert (row.line, row.sku, row.name, row.eans, row.warehouse, row.quantity) == (
        2,
        "A-1",
        "Kubek",
        (EAN, OTHER_EAN),
        "MAIN",
        3,
    )


def test_parse_collects_every_error_with_its_line() -> None:
    data = _csv(
        "GOOD-1,Kubek,,MAIN,1",
        "bad sku,Kubek,,MAIN,1",
        "A-2,Talerz,4006381333932,MAIN,1",
        "",
        "A-3,Miska,,MAIN,abc",
        "A-4,Miska,,MAIN,-2",
        "A-5,Miska,,,4",
        "A-6,,,MAIN,1",
        "GOOD-1,Kubek duży,,SHOP,1",
        "good-1,Kubek,,main,2",
        f"A-7,Łyżka,{EAN},MAIN,1",
        f"A-8,Widelec,{EAN},MAIN,1",
        "A-9,Nóż,,MAIN,1,extra",
        '"A-10","Wielo\nliniowy",,MAIN,1.5',
        "A-11,Garnek,,MAIN,2000000",
    )
    rows, errors = parse_products_csv(data)
    found = [(error.line, error.message) for error in errors]
    assert [line for line, _ in found] == [3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 15, 17]
    messages = dict(found)
    assert "SKU 'bad sku'" in messages[3]
    assert "4006381333932" in messages[4] and "check digit" in messages[4]
    assert "'abc' is not a whole number" in messages[6]
    assert "'-2' must be at least 1" in messages[7]
    assert "quantity 4 needs a warehouse code" in messages[8]
    assert "Name is empty" in messages[9]
    assert messages[10] == "SKU GOOD-1 is named “Kubek duży” here but “Kubek” on line 2"
    assert messages[11] == "SKU good-1 in warehouse MAIN already appears on line 2"
    assert messages[13] == f"EAN {EAN} is also given to SKU A-7 on line 12"
    assert "6 fields but the header has 5" in messages[14]
    assert "'1.5' is not a whole number" in messages[15]  # the quoted name spans lines 15-16
    assert "larger than the maximum" in messages[17]
    assert [row.sku for row in rows] == ["GOOD-1", "GOOD-1", "good-1", "A-7", "A-8"]
    assert [error.error.params["reason"] for error in errors] == [
        "sku_chars",
        "ean_checksum",
        "quantity_not_integer",
        "quantity_not_positive",
        "csv_quantity_without_warehouse",
        "name_empty",
        "csv_sku_renamed",
        "csv_sku_repeated",
        "csv_ean_repeated",
        "csv_row_too_wide",
        "quantity_not_integer",
        "quantity_too_large",
    ]
    assert errors[6].error.params == {
        "reason": "csv_sku_renamed",
        "sku": "GOOD-1",
        "name": "Kubek duży",
        "first_name": "Kubek",
        "first_line": 2,
    }


def test_problems_are_codes_with_parameters_and_an_english_text() -> None:
    _rows, errors = parse_products_csv(PROBLEMS_CSV)
    assert [(error.line, error.error.params["reason"]) for error in errors] == [
        (3, "sku_chars"),
        (4, "ean_checksum"),
        (5, "csv_quantity_without_warehouse"),
        (6, "csv_sku_renamed"),
    ]
    assert str(errors[2]) == "line 5: quantity 4 needs a warehouse code"
    assert errors[2].error.params == {"reason": "csv_quantity_without_warehouse", "quantity": 4}


def _catalog_variables(language: str) -> dict[str, set[str]]:
    variables: dict[str, set[str]] = {}
    for path in (LOCALES / language).glob("*.ftl"):
        for entry in FluentParser().parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, ast.Message):
                text = FluentSerializer().serialize_entry(entry)
                variables[entry.id.name] = set(re.findall(r"\{\s*\$([a-z_]+)", text))
    return variables


@pytest.mark.parametrize("language", ["en", "pl", "ru"])
def test_every_problem_has_a_translation_that_uses_its_parameters(language: str) -> None:
    catalog = _catalog_variables(language)
    for reason, english in MESSAGES.items():
        key = f"error-{reason}"
        assert key in catalog, f"{language}: {key} is missing"
        parameters = {field for _, field, _, _ in string.Formatter().parse(english) if field}
        assert catalog[key] <= parameters, f"{language}: {key} uses {catalog[key] - parameters}"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "line 1: the file is empty"),
        (b"  \n\n", "line 1: the file is empty"),
        (HEADER.encode(), "line 2: there are no product rows"),
        (b"sku,ean\nA-1,\n", "line 1: the header lacks the column(s) name (found: sku, ean)"),
        (b"sku,name,quantity\nA-1,Kubek,1\n", "line 1: a quantity column needs a warehouse column"),
        (b"sku,name,SKU\n", "line 1: the header names the column sku twice"),
        (b"sku,name\nA-1,Kubek\nA-2,Miska \xff\n", "line 3: the file is not UTF-8 text (byte 0xFF)"),
        (b"sku,name\nA-1,Kub\x00ek\n", "line 2: Name 'Kub\\x00ek' contains control characters: U+0000"),
        (b'sku,name\nA-1,"' + b"x" * 200_000 + b'"\n', "line 2: not valid CSV: field larger than"),
    ],
)
def test_parse_refuses_unusable_files(data: bytes, expected: str) -> None:
    rows, errors = parse_products_csv(data)
    assert rows == []
    assert len(errors) == 1
    assert str(errors[0]).startswith(expected)


# --- planning and applying ---------------------------------------------------------------------------


async def test_dry_run_reports_and_writes_nothing(db: Database) -> None:
    s = await seed(db, on_hand=1)  # MUG-1 “Łódź mug” with EAN, warehouses MAIN and SHOP
    data = _csv(
        f"mug-1,Łódź mug,{OTHER_EAN},MAIN,4",
        "mug-1,Łódź mug,,SHOP,",
        f"NEW-1,Nowy kubek,{UPC_A},SHOP,2",
        "NEW-2,Talerz,,,",
    )
    report = await _import(db, data, dry_run=True)
    assert report.errors == [] and not report.applied
    assert [plan.sku for plan in report.to_create] == ["NEW-1", "NEW-2"]
    (update,) = report.to_update
    assert (update.product_id, update.new_eans, update.renames) == (s.product_id, [OTHER_EAN], False)
    assert [(sku, r.warehouse_code, r.quantity, r.line) for sku, r in report.receipts] == [
        ("mug-1", "MAIN", 4, 2),
        ("NEW-1", "SHOP", 2, 4),
    ]
    assert (report.rows, report.units) == (4, 6)
    assert set(await _products(db)) == {"MUG-1"}
    assert len(await operations(db)) == 2


async def test_apply_creates_updates_and_receives_in_one_go(db: Database) -> None:
    s = await seed(db, on_hand=1)
    data = _csv(
        f"mug-1,Łódź mug XL,{OTHER_EAN} {EAN},MAIN,4",
        "mug-1,Łódź mug XL,,SHOP,1",
        f"NEW-1,Nowy kubek,{UPC_A},SHOP,2",
        "NEW-2,Talerz,,MAIN,0",
    )
    done: list[tuple[int, int]] = []
    report = await import_products(
        db, data, source="/home/ola/dostawa 12.csv", actor=ACTOR, progress=lambda *p: done.append(p)
    )
    assert report.errors == [] and report.applied
    assert [plan.sku for plan in report.to_create] == ["NEW-1", "NEW-2"]
    assert [plan.sku for plan in report.to_update] == ["mug-1"]
    assert done == [(1, 3), (2, 3), (3, 3)]
    assert await _products(db) == {
        "MUG-1": ("Łódź mug XL", [EAN, OTHER_EAN]),
        "NEW-1": ("Nowy kubek", [UPC_A]),
        "NEW-2": ("Talerz", []),
    }
    assert levels(await stock(db, s.product_id)) == {s.main: (5, 0), s.second: (1, 0)}
    receipts = [op for op in await operations(db, OperationType.RECEIPT) if op.external_ref]
    assert [(op.sku, op.quantity_delta, op.external_ref) for op in receipts] == [
        ("MUG-1", 4, "import:dostawa 12.csv"),
        ("MUG-1", 1, "import:dostawa 12.csv"),
        ("NEW-1", 2, "import:dostawa 12.csv"),
    ]
    (edit,) = await operations(db, OperationType.PRODUCT_EDIT)
    assert edit.changes == {"name": ["Łódź mug", "Łódź mug XL"], "eans": [[EAN], [EAN, OTHER_EAN]]}
    assert len(await operations(db, OperationType.PRODUCT_CREATE)) == 3


async def test_database_checks_are_reported_with_lines_and_nothing_is_saved(db: Database) -> None:
    s = await seed(db)
    async with db.transaction() as session:
        await Warehouses(session).set_active(s.second, False)
        old = await Catalog(session).create(ACTOR, sku="OLD-1", name="Stary")
        await Catalog(session).archive(ACTOR, old.id, None)
    data = _csv(
        "OK-1,Dobry,,MAIN,1",
        "OK-2,Dobry,,NOWHERE,1",
        "OK-3,Dobry,,SHOP,1",
        f"OK-4,Dobry,{EAN},MAIN,1",
        "old-1,Stary,,MAIN,1",
    )
    report = await _import(db, data)
    assert [str(error) for error in report.errors] == [
        "line 3: unknown warehouse code NOWHERE (known: MAIN, SHOP)",
        "line 4: warehouse SHOP is inactive",
        f"line 5: EAN {EAN} already belongs to product MUG-1 (“Łódź mug”)",
        "line 6: SKU old-1 belongs to an archived product: restore it first",
    ]
    assert not report.applied
    assert set(await _products(db)) == {"MUG-1"}


async def test_file_and_database_errors_are_listed_together(db: Database) -> None:
    await seed(db)
    report = await _import(db, _csv("bad sku,Kubek,,MAIN,1", "OK-1,Dobry,,NOWHERE,1", "OK-2,Dobry,,MAIN,1"))
    assert [(error.line, error.message.split(" ")[0]) for error in report.errors] == [
        (2, "SKU"),
        (3, "unknown"),
    ]
    assert not report.applied
    assert set(await _products(db)) == {"MUG-1"}


async def test_a_failure_while_applying_leaves_nothing_behind(db: Database) -> None:
    await seed(db)
    data = _csv("A-1,Jeden,,MAIN,1", "A-2,Dwa,,MAIN,2", "A-3,Trzy,,MAIN,3")

    def crash(done: int, _total: int) -> None:
        if done == 2:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        await import_products(db, data, source="x.csv", actor=ACTOR, progress=crash)
    assert set(await _products(db)) == {"MUG-1"}
    assert await operations(db, OperationType.RECEIPT) == []


async def test_a_conflict_appearing_after_the_check_rolls_back_with_its_line(db: Database) -> None:
    await seed(db)
    rows, _ = parse_products_csv(_csv("A-1,Jeden,,MAIN,1", "RACE-1,Wyścig,,MAIN,2"))
    async with db.transaction() as session:
        report = await plan_import(session, rows, "race.csv")
    async with db.transaction() as session:
        await Catalog(session).create(ACTOR, sku="race-1", name="Someone was faster")
    with pytest.raises(ConflictError):
        async with db.transaction() as session:
            await apply_plan(session, report, ACTOR)
    assert [error.line for error in report.errors] == [3] and not report.applied
    assert set(await _products(db)) == {"MUG-1", "race-1"}
    with pytest.raises(ValueError, match="errors"):
        async with db.transaction() as session:
            await apply_plan(session, report, ACTOR)


# --- export ------------------------------------------------------------------------------------------


async def _stocked(db: Database) -> None:
    s = await seed(db, on_hand=5)
    async with db.transaction() as session:
        inventory = Inventory(session)
        await inventory.transfer(ACTOR, s.product_id, s.main, s.second, 2)
        await inventory.reserve(ACTOR, s.product_id, s.main, 1, external_ref="A-1")
        catalog = Catalog(session)
        await catalog.create(ACTOR, sku="EMPTY-1", name="Pusty, ale jest", eans=[UPC_A, OTHER_EAN])
        gone = await catalog.create(ACTOR, sku="GONE-1", name="Archived")
        await catalog.archive(ACTOR, gone.id, None)


async def test_export_stock_shape(db: Database) -> None:
    await _stocked(db)
    async with db.transaction() as session:
        exported = await export_stock(session)
    assert exported == [
        {
            "sku": "EMPTY-1",
            "name": "Pusty, ale jest",
            "eans": [UPC_A, OTHER_EAN],
            "warehouses": {},
            "on_hand": 0,
            "reserved": 0,
            "available": 0,
        },
        {
            "sku": "MUG-1",
            "name": "Łódź mug",
            "eans": [EAN],
            "warehouses": {
                "MAIN": {"on_hand": 3, "reserved": 1, "available": 2},
                "SHOP": {"on_hand": 2, "reserved": 0, "available": 2},
            },
            "on_hand": 5,
            "reserved": 1,
            "available": 4,
        },
    ]


async def test_export_csv_lines_and_a_round_trip_changes_nothing(db: Database) -> None:
    await _stocked(db)
    async with db.transaction() as session:
        exported = await export_stock(session)
    buffer = io.StringIO()
    write_stock_csv(exported, buffer)
    assert buffer.getvalue().splitlines() == [
        "sku,name,ean,warehouse,on_hand,reserved,available",
        f'EMPTY-1,"Pusty, ale jest",{UPC_A} {OTHER_EAN},,0,0,0',
        f"MUG-1,Łódź mug,{EAN},MAIN,3,1,2",
        f"MUG-1,Łódź mug,{EAN},SHOP,2,0,2",
    ]
    before = len(await operations(db))
    report = await _import(db, buffer.getvalue().encode("utf-8-sig"))
    assert report.errors == [] and report.applied
    assert (report.to_create, report.to_update, report.receipts) == ([], [], [])
    assert len(await operations(db)) == before


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), ("-0", 0), ("+000", 0), ("", 0), (" 7 ", 7)])
def test_quantity_zero_or_empty_registers_without_a_receipt(raw: str, expected: int) -> None:
    rows, errors = parse_products_csv(_csv(f"A-1,Kubek,,MAIN,{raw}"))
    assert errors == [] and rows[0].quantity == expected


def test_a_huge_negative_quantity_is_an_error_not_a_crash() -> None:
    rows, errors = parse_products_csv(_csv("A-1,Kubek,,MAIN,-" + "9" * 5000))
    assert rows == [] and [error.line for error in errors] == [2]
    assert "must be at least 1" in errors[0].message
