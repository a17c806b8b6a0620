"""Products and stock in and out as CSV: the import behind `import-products` and the bot's upload, and
the stock export.

Import file: a header line, then one row per SKU and warehouse. Columns (any order, case-insensitive;
others are ignored): ``sku`` and ``name`` (required), ``ean`` (several codes separated by spaces, ``;`` or
``,``), ``warehouse`` (a code) and ``quantity`` (units to receive; empty means 0). UTF-8 with or without
a BOM; the delimiter (``,``, ``;`` or a tab) is taken from the header line.

Meaning of a row: a new SKU creates the product; an existing SKU keeps its product and gets the row's
name (when it differs) and any EANs it does not have yet: an import adds, it never removes EANs. A
quantity is received into the warehouse as a RECEIPT with ``external_ref = "import:<file name>"``.
Every row is checked before anything is written and every problem is reported with its line number;
the file is applied in one transaction, all or nothing. A problem is a :class:`RowError`: its line and a
:class:`DomainError` whose ``reason`` and ``params`` say what is wrong (the bot translates them like any
domain error) and whose message says it in English (the command line prints it); the English texts of
the file's own problems are in :data:`MESSAGES`, one per reason.

Export: :func:`export_stock` gives one dict per active product (the JSON shape of `export-stock`);
:func:`write_stock_csv` writes the same as CSV with one line per product and warehouse. The exported
CSV has no ``quantity`` column, so importing it back changes the catalog only, never the stock.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.catalog import Catalog
from domain.db import Database
from domain.errors import DomainError, ValidationError
from domain.inventory import Inventory
from domain.models import Product, ProductEan, Stock, Warehouse
from domain.validation import (
    gtin_key,
    normalize_name,
    normalize_sku,
    parse_ean_list,
    parse_quantity,
    sku_key,
)

REQUIRED_COLUMNS = ("sku", "name")
OPTIONAL_COLUMNS = ("ean", "warehouse", "quantity")
_ALIASES = {"eans": "ean", "qty": "quantity"}
_DELIMITERS = (",", ";", "\t")
_LOOKUP_CHUNK = 500
EXPECTED_HEADER = ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
EXPORT_CSV_COLUMNS = ("sku", "name", "ean", "warehouse", "on_hand", "reserved", "available")

Progress = Callable[[int, int], None]


# The English text of every problem of the file itself, by reason; values the user wrote are parameters.
MESSAGES = {
    "csv_not_utf8": "the file is not UTF-8 text (byte {byte}); save it as “CSV UTF-8”",
    "csv_empty": "the file is empty: expected a header line {expected}",
    "csv_header_unreadable": "the header cannot be read as CSV: {detail}",
    "csv_column_twice": "the header names the column {column} twice",
    "csv_columns_missing": "the header lacks the column(s) {missing} (found: {found}); expected {expected}",
    "csv_quantity_column_alone": "a quantity column needs a warehouse column next to it",
    "csv_no_rows": "there are no product rows after the header",
    "csv_unreadable": "not valid CSV: {detail}",
    "csv_row_too_wide": (
        "the row has {fields} fields but the header has {columns}; "
        "put values that contain the delimiter in double quotes"
    ),
    "csv_quantity_without_warehouse": "quantity {quantity} needs a warehouse code",
    "csv_sku_renamed": "SKU {sku} is named “{name}” here but “{first_name}” on line {first_line}",
    "csv_sku_repeated": "SKU {sku} in warehouse {warehouse} already appears on line {first_line}",
    "csv_sku_repeated_no_warehouse": (
        "SKU {sku} in a row without a warehouse already appears on line {first_line}"
    ),
    "csv_ean_repeated": "EAN {ean} is also given to SKU {sku} on line {first_line}",
    "csv_sku_archived": "SKU {sku} belongs to an archived product: restore it first",
    "ean_taken": "EAN {value} already belongs to product {other_sku} (“{other_name}”)",
    "csv_unknown_warehouse": "unknown warehouse code {warehouse} (known: {known})",
    "csv_no_warehouses": "unknown warehouse code {warehouse} (known: none yet: add one with `warehouse add`)",
    "csv_warehouse_inactive": "warehouse {warehouse} is inactive",
}


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem on a line: `error` tells what (its ``reason`` and ``params``), ``str()`` tells it in
    English with the line number."""

    line: int
    error: DomainError

    @property
    def message(self) -> str:
        return self.error.message

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def problem(line: int, reason: str, **params: str | int) -> RowError:
    """A problem of the file itself (one of :data:`MESSAGES`)."""
    return RowError(line, ValidationError(MESSAGES[reason].format(**params), reason=reason, **params))


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    sku: str
    name: str
    eans: tuple[str, ...]
    warehouse: str  # upper-cased code, "" when the row names none
    quantity: int


@dataclass(frozen=True, slots=True)
class Receipt:
    line: int
    warehouse_code: str
    warehouse_id: int
    quantity: int


@dataclass(slots=True)
class ProductPlan:
    """What the import does to one SKU."""

    line: int  # the SKU's first row
    sku: str
    name: str
    eans: list[str]  # every EAN of the SKU's rows, first spelling kept
    product_id: int | None = None  # None: to be created
    old_name: str | None = None
    new_eans: list[str] = field(default_factory=list)  # EANs the existing product does not have yet
    receipts: list[Receipt] = field(default_factory=list)

    @property
    def creates(self) -> bool:
        return self.product_id is None

    @property
    def renames(self) -> bool:
        return self.product_id is not None and self.old_name != self.name

    @property
    def changes_catalog(self) -> bool:
        return self.creates or self.renames or bool(self.new_eans)


@dataclass(slots=True)
class ImportReport:
    source: str
    rows: int = 0
    products: list[ProductPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def to_create(self) -> list[ProductPlan]:
        return [plan for plan in self.products if plan.creates]

    @property
    def to_update(self) -> list[ProductPlan]:
        return [plan for plan in self.products if not plan.creates and plan.changes_catalog]

    @property
    def receipts(self) -> list[tuple[str, Receipt]]:
        return [(plan.sku, receipt) for plan in self.products for receipt in plan.receipts]

    @property
    def units(self) -> int:
        return sum(receipt.quantity for _sku, receipt in self.receipts)


# --- parsing -----------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _FileError(problem(line, "csv_not_utf8", byte=f"0x{data[exc.start]:02X}")) from None


class _FileError(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def _delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        name = _ALIASES.get(name, name)
        if name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            if name in columns:
                raise _FileError(problem(1, "csv_column_twice", column=name))
            columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        found = ", ".join(cell.strip() for cell in header if cell.strip()) or "—"
        raise _FileError(
            problem(
                1, "csv_columns_missing", missing=", ".join(missing), found=found, expected=EXPECTED_HEADER
            )
        )
    if "quantity" in columns and "warehouse" not in columns:
        raise _FileError(problem(1, "csv_quantity_column_alone"))
    return columns


def _cell(record: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return record[index].strip() if index is not None and index < len(record) else ""


def _quantity(raw: str) -> int:
    if not raw:
        return 0
    try:
        return parse_quantity(raw)
    except ValidationError as error:
        # 0 is fine here: the row registers the product (and names its warehouse) without a receipt.
        if error.reason == "quantity_not_positive" and raw.strip().lstrip("+-").strip("0") == "":
            return 0
        raise


def _row(
    line: int, record: list[str], columns: dict[str, int], width: int
) -> tuple[CsvRow | None, list[RowError]]:
    errors: list[RowError] = []
    if any(cell.strip() for cell in record[width:]):
        # Usually a delimiter inside a name that was not quoted: every later column is shifted.
        return None, [problem(line, "csv_row_too_wide", fields=len(record), columns=width)]

    def check(parse: Callable[[str], Any], raw: str, fallback: Any) -> Any:
        try:
            return parse(raw)
        except DomainError as error:
            errors.append(RowError(line, error))
            return fallback

    sku = check(normalize_sku, _cell(record, columns, "sku"), "")
    name = check(normalize_name, _cell(record, columns, "name"), "")
    eans = check(parse_ean_list, _cell(record, columns, "ean"), [])
    warehouse = _cell(record, columns, "warehouse").upper()
    quantity = check(_quantity, _cell(record, columns, "quantity"), 0)
    if quantity and not warehouse:
        errors.append(problem(line, "csv_quantity_without_warehouse", quantity=quantity))
    if errors:
        return None, errors
    return CsvRow(line, sku, name, tuple(eans), warehouse, quantity), []


def parse_products_csv(data: bytes) -> tuple[list[CsvRow], list[RowError]]:
    """Read and check every row on its own and against the other rows (no database needed)."""
    try:
        text = _decode(data)
        if not text.strip():
            raise _FileError(problem(1, "csv_empty", expected=EXPECTED_HEADER))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.splitlines()[0]))
        header = next(reader)
        columns = _columns(header)
    except _FileError as exc:
        return [], [exc.error]
    except csv.Error as exc:
        return [], [problem(1, "csv_header_unreadable", detail=str(exc))]

    rows: list[CsvRow] = []
    errors: list[RowError] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            row, row_errors = _row(start, record, columns, len(header))
            errors.extend(row_errors)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(problem(line, "csv_unreadable", detail=str(exc)))
    if not rows and not errors:
        errors.append(problem(2, "csv_no_rows"))
    return rows, sorted(errors + _cross_row_errors(rows), key=lambda error: error.line)


def _cross_row_errors(rows: Sequence[CsvRow]) -> list[RowError]:
    errors = []
    names: dict[str, CsvRow] = {}
    places: dict[tuple[str, str], int] = {}
    ean_owner: dict[str, CsvRow] = {}
    for row in rows:
        key = sku_key(row.sku)
        first = names.setdefault(key, row)
        if first.name != row.name:
            errors.append(
                problem(
                    row.line,
                    "csv_sku_renamed",
                    sku=row.sku,
                    name=row.name,
                    first_name=first.name,
                    first_line=first.line,
                )
            )
        place = places.setdefault((key, row.warehouse), row.line)
        if place != row.line:
            if row.warehouse:
                repeated = problem(
                    row.line, "csv_sku_repeated", sku=row.sku, warehouse=row.warehouse, first_line=place
                )
            else:
                repeated = problem(row.line, "csv_sku_repeated_no_warehouse", sku=row.sku, first_line=place)
            errors.append(repeated)
        for ean in row.eans:
            owner = ean_owner.setdefault(gtin_key(ean), row)
            if sku_key(owner.sku) != key:
                errors.append(
                    problem(row.line, "csv_ean_repeated", ean=ean, sku=owner.sku, first_line=owner.line)
                )
    return errors


# --- planning against the database --------------------------------------------------------------------


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _LOOKUP_CHUNK):
        yield values[start : start + _LOOKUP_CHUNK]


def _group(rows: Sequence[CsvRow]) -> dict[str, ProductPlan]:
    plans: dict[str, ProductPlan] = {}
    for row in rows:
        plan = plans.setdefault(sku_key(row.sku), ProductPlan(row.line, row.sku, row.name, []))
        known = {gtin_key(ean) for ean in plan.eans}
        plan.eans.extend(ean for ean in row.eans if gtin_key(ean) not in known)
    return plans


async def _existing_products(session: AsyncSession, keys: Sequence[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for chunk in _chunks(keys):
        for product in await session.scalars(select(Product).where(Product.sku_key.in_(chunk))):
            found[product.sku_key] = product
    return found


async def _ean_owners(session: AsyncSession, keys: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """{ean_key: (owner's sku_key, owner's sku, owner's name)}"""
    owners = {}
    for chunk in _chunks(keys):
        result = await session.execute(
            select(ProductEan.ean_key, Product.sku_key, Product.sku, Product.name)
            .join(Product)
            .where(ProductEan.ean_key.in_(chunk))
        )
        for ean_key, owner_key, owner_sku, owner_name in result.all():
            owners[ean_key] = (owner_key, owner_sku, owner_name)
    return owners


async def plan_import(session: AsyncSession, rows: Sequence[CsvRow], source: str) -> ImportReport:
    """Check parsed rows against the database and describe what applying them would do."""
    report = ImportReport(source=source, rows=len(rows))
    plans = _group(rows)
    warehouses = {w.code.upper(): w for w in await session.scalars(select(Warehouse))}
    products = await _existing_products(session, list(plans))
    owners = await _ean_owners(session, sorted({gtin_key(ean) for row in rows for ean in row.eans}))

    for row in rows:
        key = sku_key(row.sku)
        plan = plans[key]
        existing = products.get(key)
        if existing is not None and existing.archived and plan.line == row.line:
            report.errors.append(problem(row.line, "csv_sku_archived", sku=row.sku))
        for ean in row.eans:
            owner = owners.get(gtin_key(ean))
            if owner is not None and owner[0] != key:
                report.errors.append(
                    problem(row.line, "ean_taken", value=ean, other_sku=owner[1], other_name=owner[2])
                )
        if row.warehouse:
            warehouse = warehouses.get(row.warehouse)
            if warehouse is None:
                report.errors.append(_unknown_warehouse(row, sorted(warehouses)))
            elif not warehouse.active:
                report.errors.append(problem(row.line, "csv_warehouse_inactive", warehouse=row.warehouse))
            elif row.quantity:
                plan.receipts.append(Receipt(row.line, warehouse.code, warehouse.id, row.quantity))

    for key, plan in plans.items():
        existing = products.get(key)
        if existing is not None:
            plan.product_id = existing.id
            plan.old_name = existing.name
            have = {gtin_key(ean.ean) for ean in existing.eans}
            plan.new_eans = [ean for ean in plan.eans if gtin_key(ean) not in have]
    report.products = sorted(plans.values(), key=lambda plan: plan.line)
    report.errors.sort(key=lambda error: error.line)
    return report


def _unknown_warehouse(row: CsvRow, known: list[str]) -> RowError:
    if not known:
        return problem(row.line, "csv_no_warehouses", warehouse=row.warehouse)
    return problem(row.line, "csv_unknown_warehouse", warehouse=row.warehouse, known=", ".join(known))


# --- applying ------------------------------------------------------------------------------------------


def import_ref(source: str) -> str:
    return f"import:{PurePath(source).name}"[:128]


async def apply_plan(
    session: AsyncSession, report: ImportReport, actor: Actor, *, progress: Progress | None = None
) -> None:
    """Write a checked plan in the caller's transaction, which must roll back if this raises.

    A domain error (say, a SKU created by someone else since the plan was made) is added to the report
    as an error of the SKU's first line, then raised.
    """
    if report.errors:
        raise ValueError("an import with errors cannot be applied")
    catalog, inventory = Catalog(session), Inventory(session)
    reference = import_ref(report.source)
    total = len(report.products)
    for done, plan in enumerate(report.products, start=1):
        try:
            await _apply_one(catalog, inventory, plan, actor, reference)
        except DomainError as error:
            report.errors.append(RowError(plan.line, error))
            raise
        if progress is not None:
            progress(done, total)
    report.applied = True


async def _apply_one(
    catalog: Catalog, inventory: Inventory, plan: ProductPlan, actor: Actor, reference: str
) -> None:
    product_id = plan.product_id
    if product_id is None:
        product_id = (await catalog.create(actor, sku=plan.sku, name=plan.name, eans=plan.eans)).id
    elif plan.changes_catalog:
        current = await catalog.get(product_id)
        eans = [row.ean for row in current.eans] + plan.new_eans
        await catalog.edit(actor, product_id, None, name=plan.name, eans=eans)
    for receipt in plan.receipts:
        await inventory.receive(
            actor, product_id, receipt.warehouse_id, receipt.quantity, external_ref=reference
        )


class _Rollback(Exception):
    pass


async def import_products(
    db: Database,
    data: bytes,
    *,
    source: str,
    actor: Actor,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Parse, check and (unless `dry_run` or anything is wrong) apply a products CSV, all or nothing.

    `source` is the file name (it ends up in the receipts' external_ref). `report.applied` tells whether
    anything was written; `report.errors` lists every problem with its line number.
    """
    rows, errors = parse_products_csv(data)
    report = ImportReport(source=source, errors=errors)
    if not rows:
        return report
    try:
        async with db.transaction() as session:
            # The rows that parsed are checked against the database even when others did not, so one
            # run lists every problem it can.
            report = await plan_import(session, rows, source)
            report.errors = sorted(errors + report.errors, key=lambda error: error.line)
            if report.errors or dry_run:
                raise _Rollback
            await apply_plan(session, report, actor, progress=progress)
    except _Rollback:
        pass
    except DomainError:
        report.applied = False  # rolled back; apply_plan put the error in the report
    return report


# --- export --------------------------------------------------------------------------------------------


async def export_stock(session: AsyncSession) -> list[dict[str, Any]]:
    """Every active product with its EANs and its stock per warehouse (where it has any), by SKU."""
    products = list(
        await session.execute(
            select(Product.id, Product.sku, Product.name)
            .where(Product.archived.is_(False))
            .order_by(Product.sku_key)
        )
    )
    eans: dict[int, list[str]] = {}
    for product_id, ean in await session.execute(
        select(ProductEan.product_id, ProductEan.ean).order_by(ProductEan.product_id, ProductEan.position)
    ):
        eans.setdefault(product_id, []).append(ean)
    levels: dict[int, dict[str, dict[str, int]]] = {}
    stock_rows = await session.execute(
        select(Stock.product_id, Warehouse.code, Stock.on_hand, Stock.reserved)
        .join(Warehouse, Warehouse.id == Stock.warehouse_id)
        .where((Stock.on_hand > 0) | (Stock.reserved > 0))
        .order_by(Stock.product_id, Warehouse.code)
    )
    for product_id, code, on_hand, reserved in stock_rows:
        levels.setdefault(product_id, {})[code] = {
            "on_hand": on_hand,
            "reserved": reserved,
            "available": on_hand - reserved,
        }
    exported = []
    for product_id, sku, name in products:
        warehouses = levels.get(product_id, {})
        on_hand = sum(level["on_hand"] for level in warehouses.values())
        reserved = sum(level["reserved"] for level in warehouses.values())
        exported.append(
            {
                "sku": sku,
                "name": name,
                "eans": eans.get(product_id, []),
                "warehouses": warehouses,
                "on_hand": on_hand,
                "reserved": reserved,
                "available": on_hand - reserved,
            }
        )
    return exported


def write_stock_csv(products: Iterable[dict[str, Any]], stream: TextIO) -> None:
    """One line per product and warehouse (one line with no warehouse for a product without stock)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(EXPORT_CSV_COLUMNS)
    for product in products:
        base = [product["sku"], product["name"], " ".join(product["eans"])]
        if not product["warehouses"]:
            writer.writerow([*base, "", 0, 0, 0])
        for code, level in product["warehouses"].items():
            writer.writerow([*base, code, level["on_hand"], level["reserved"], level["available"]])
