"""The `warehouse-bot` CLI: in-process through typer's runner on both engines, and as a real process."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from bot.cli import app
from domain.csv_io import export_stock
from domain.db import Database
from tests.integration.seed import EAN, UPC_A, operations
from tests.integration.test_csv_io import PROBLEMS_CSV

runner = CliRunner()

PRODUCTS_CSV = (
    "sku;name;ean;warehouse;quantity\n"
    f"MUG-1;Kubek Łódź;{EAN};MAIN;5\n"
    "MUG-1;Kubek Łódź;;SHOP;2\n"
    f"PLATE-1;Talerz;{UPC_A};MAIN;\n"
)


async def _cli(url: str, *args: str) -> Result:
    # The CLI runs its own event loop (asyncio.run), so it gets a thread of its own.
    return await asyncio.to_thread(runner.invoke, app, list(args), env={"DATABASE_URL": url})


async def _products(db: Database) -> list[str]:
    async with db.transaction() as session:
        return [product["sku"] for product in await export_stock(session)]


async def test_warehouses(db: Database, db_url: str) -> None:
    added = await _cli(db_url, "warehouse", "add", "main", "Main  warehouse")
    assert (added.exit_code, added.stdout) == (0, "added warehouse MAIN (Main warehouse)\n")
    assert (await _cli(db_url, "warehouse", "add", "SHOP", "Shop")).exit_code == 0
    again = await _cli(db_url, "warehouse", "add", "Main", "Again")
    assert (again.exit_code, again.stderr) == (1, "error: warehouse MAIN already exists\n")
    listed = await _cli(db_url, "warehouse", "list")
    assert listed.stdout.splitlines() == [f"{'MAIN':<16} Main warehouse", f"{'SHOP':<16} Shop"]


async def test_users(db: Database, db_url: str) -> None:
    assert (await _cli(db_url, "user", "list")).stderr.startswith("no users yet")
    admin = await _cli(db_url, "user", "add", "1001", "--role", "admin", "--name", "Ola")
    assert (admin.exit_code, admin.stdout) == (0, "user 1001 is admin (Ola)\n")
    assert (await _cli(db_url, "user", "add", "1002", "--role", "STAFF")).exit_code == 0
    bad_role = await _cli(db_url, "user", "add", "1003", "--role", "boss")
    assert bad_role.exit_code == 2 and "boss" in bad_role.stderr
    removed = await _cli(db_url, "user", "remove", "1002")
    assert (removed.exit_code, removed.stdout) == (0, "user 1002 removed\n")
    last = await _cli(db_url, "user", "remove", "1001")
    assert (last.exit_code, last.stderr) == (1, "error: the last active admin cannot be removed\n")
    unknown = await _cli(db_url, "user", "remove", "4242")
    assert (unknown.exit_code, unknown.stderr) == (1, "error: user 4242 is not known\n")
    listed = await _cli(db_url, "user", "list")
    assert [line.split() for line in listed.stdout.splitlines()] == [
        ["1001", "admin", "Ola"],
        ["1002", "staff", "(removed)"],
    ]


async def test_import_dry_run_apply_and_export(db: Database, db_url: str, tmp_path: Path) -> None:
    for code in ("MAIN", "SHOP"):
        await _cli(db_url, "warehouse", "add", code, code.title())
    source = tmp_path / "dostawa.csv"
    source.write_text(PRODUCTS_CSV, encoding="utf-8-sig")

    dry = await _cli(db_url, "import-products", str(source), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        f"  line 2: create MUG-1 “Kubek Łódź” EAN {EAN}",
        f"  line 4: create PLATE-1 “Talerz” EAN {UPC_A}",
        "2 product(s) to create, 0 to update, 7 unit(s) to receive in 2 receipt(s)",
        "dry run: nothing was saved",
    ]
    assert await _products(db) == []

    applied = await _cli(db_url, "import-products", str(source))
    assert applied.exit_code == 0, applied.output
    assert (
        applied.stdout.splitlines()[-1]
        == "2 product(s) created, 0 updated, 7 unit(s) received in 2 receipt(s)"
    )
    assert {op.external_ref for op in await operations(db) if op.quantity_delta} == {"import:dostawa.csv"}

    exported = await _cli(db_url, "export-stock")
    assert exported.exit_code == 0
    mug, plate = json.loads(exported.stdout)
    assert mug == {
        "sku": "MUG-1",
        "name": "Kubek Łódź",
        "eans": [EAN],
        "warehouses": {
            "MAIN": {"on_hand": 5, "reserved": 0, "available": 5},
            "SHOP": {"on_hand": 2, "reserved": 0, "available": 2},
        },
        "on_hand": 7,
        "reserved": 0,
        "available": 7,
    }
    assert (plate["sku"], plate["warehouses"], plate["available"]) == ("PLATE-1", {}, 0)

    as_csv = await _cli(db_url, "export-stock", "--format", "csv")
    assert as_csv.stdout.splitlines() == [
        "sku,name,ean,warehouse,on_hand,reserved,available",
        f"MUG-1,Kubek Łódź,{EAN},MAIN,5,0,5",
        f"MUG-1,Kubek Łódź,{EAN},SHOP,2,0,2",
        f"PLATE-1,Talerz,{UPC_A},,0,0,0",
    ]


async def test_import_with_bad_rows_saves_nothing(db: Database, db_url: str, tmp_path: Path) -> None:
    await _cli(db_url, "warehouse", "add", "MAIN", "Main")
    source = tmp_path / "bad.csv"
    source.write_text(
        "sku,name,ean,warehouse,quantity\nOK-1,Dobry,,MAIN,1\nOK-2,Zły EAN,4006381333932,MAIN,1\n"
        "OK-3,Dobry,,NOWHERE,2\n"
    )
    result = await _cli(db_url, "import-products", str(source))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("line 3: EAN #1 of 1: EAN 4006381333932 has check digit 2")
    assert lines[1] == "line 4: unknown warehouse code NOWHERE (known: MAIN)"
    assert lines[2] == "error: nothing was imported: 2 error(s) in bad.csv"
    assert await _products(db) == []


async def test_import_problems_are_printed_in_english(db: Database, db_url: str, tmp_path: Path) -> None:
    for code in ("MAIN", "SHOP"):
        await _cli(db_url, "warehouse", "add", code, code.title())
    source = tmp_path / "problems.csv"
    source.write_bytes(PROBLEMS_CSV)
    result = await _cli(db_url, "import-products", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 3: SKU 'bad sku' contains characters that are not allowed: U+0020"
        " (allowed: A-Z, a-z, 0-9, '-', '_', '.', '/')",
        "line 4: EAN #1 of 1: EAN 4006381333932 has check digit 2 but its digits give 1; a digit is mistyped",
        "line 5: quantity 4 needs a warehouse code",
        "line 6: SKU OK-1 is named “Kubek duży” here but “Kubek” on line 2",
        "error: nothing was imported: 4 error(s) in problems.csv",
    ]


async def test_import_of_an_empty_file(db: Database, db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "empty.csv"
    source.write_bytes(b"")
    result = await _cli(db_url, "import-products", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 1: the file is empty: expected a header line sku,name,ean,warehouse,quantity",
        "error: nothing was imported: 1 error(s) in empty.csv",
    ]


async def test_unreachable_database_is_one_clean_line(tmp_path: Path) -> None:
    result = await _cli("postgresql://postgres:s3cret-pw@127.0.0.1:1/nowhere", "warehouse", "list")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: cannot open the database postgresql+asyncpg://postgres:***@127.0.0.1:1"
    )
    assert "s3cret" not in result.output and "Traceback" not in result.output


# --- a real process --------------------------------------------------------------------------------


def _process(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,  # no .env here
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_console_script_end_to_end_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'warehouse.db'}"
    before = runner.invoke(app, ["warehouse", "list"], env={"DATABASE_URL": url})
    assert before.exit_code == 1
    assert "has no tables yet: run `warehouse-bot migrate` first" in before.stderr

    migrated = _process(tmp_path, url, "migrate")
    assert (migrated.returncode, migrated.stdout) == (0, "database is up to date\n"), migrated.stderr
    for code in ("MAIN", "SHOP"):  # in-process where the real process adds nothing: a start costs ~1 s
        assert runner.invoke(app, ["warehouse", "add", code, code], env={"DATABASE_URL": url}).exit_code == 0
    (tmp_path / "products.csv").write_text(PRODUCTS_CSV)
    imported = _process(tmp_path, url, "import-products", "products.csv")
    assert imported.returncode == 0, imported.stderr

    exported = _process(tmp_path, url, "export-stock", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    assert [(p["sku"], p["on_hand"]) for p in json.loads(exported.stdout)] == [("MUG-1", 7), ("PLATE-1", 0)]


def test_bad_database_url_exits_2_naming_the_variable(tmp_path: Path) -> None:
    result = _process(tmp_path, "mysql://admin:hunter2@db.example/warehouse", "warehouse", "list")
    assert result.returncode == 2
    assert result.stderr.startswith("error: invalid configuration:")
    assert "DATABASE_URL" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
