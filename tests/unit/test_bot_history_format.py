"""History entry formatting with the real catalogs (en, pl, ru): no database, no Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram_i18n import I18nContext

from bot.middlewares.i18n import LANGUAGES, build_core
from bot.views.history import format_entry, pack_blocks, signed
from domain.history import HistoryEntry
from domain.inventory import WRITE_OFF_REASONS
from domain.models import OperationType

WARSAW = ZoneInfo("Europe/Warsaw")
WHEN = datetime(2026, 1, 15, 9, 5, tzinfo=UTC)  # 10:05 in Warsaw (CET)


@pytest.fixture(scope="module")
async def translators() -> AsyncIterator[dict[str, I18nContext]]:
    core = build_core("en")
    await core.startup()
    yield {
        language: I18nContext(locale=language, core=core, manager=None, data={})  # type: ignore[arg-type]
        for language in LANGUAGES
    }
    await core.shutdown()


def entry(op_type: OperationType, **fields: Any) -> HistoryEntry:
    base = HistoryEntry(
        id=1,
        type=op_type,
        actor="user:42",
        user_name="Anna",
        product_id=7,
        sku="MUG-1",
        warehouse_code="WH1",
        to_warehouse_code=None,
        quantity_delta=None,
        reason=None,
        changes=None,
        external_ref=None,
        created_at=WHEN,
    )
    return replace(base, **fields)


async def test_receipt_line_by_line(translators: dict[str, I18nContext]) -> None:
    text = format_entry(translators["en"], entry(OperationType.RECEIPT, quantity_delta=5), WARSAW)
    assert text.split("\n") == [
        "📥 <b>Receipt</b> · 2026-01-15 10:05 · <code>MUG-1</code>",
        "Warehouse: WH1 · <b>+5</b>",
        "👤 Anna",
    ]


async def test_sku_is_left_out_on_a_product_page(translators: dict[str, I18nContext]) -> None:
    text = format_entry(
        translators["en"], entry(OperationType.RECEIPT, quantity_delta=5), WARSAW, show_sku=False
    )
    assert "MUG-1" not in text


async def test_transfer_shows_from_and_to(translators: dict[str, I18nContext]) -> None:
    text = format_entry(
        translators["en"], entry(OperationType.TRANSFER, to_warehouse_code="WH2", quantity_delta=3), WARSAW
    )
    assert "Warehouse: WH1 → WH2 · <b>3</b>" in text


async def test_write_off_reasons_are_translated_in_every_language(
    translators: dict[str, I18nContext],
) -> None:
    expected = {"en": "Reason: Expired", "pl": "Powód: Przeterminowanie", "ru": "Причина: Истёк срок"}
    for language, line in expected.items():
        text = format_entry(
            translators[language], entry(OperationType.WRITE_OFF, quantity_delta=-2, reason="expired"), WARSAW
        )
        assert line in text
        assert "<b>−2</b>" in text
    for language in LANGUAGES:  # every reason of the list has a text in every language
        for reason in WRITE_OFF_REASONS:
            text = format_entry(translators[language], entry(OperationType.WRITE_OFF, reason=reason), WARSAW)
            assert reason not in text.split("\n")[3]


async def test_free_text_reason_is_escaped(translators: dict[str, I18nContext]) -> None:
    text = format_entry(translators["en"], entry(OperationType.WRITE_OFF, reason="broken <b> & gone"), WARSAW)
    assert "Reason: broken &lt;b&gt; &amp; gone" in text


async def test_channel_sale_names_the_account_and_order(translators: dict[str, I18nContext]) -> None:
    sale = entry(
        OperationType.SALE, actor="allegro:shop1", user_name=None, quantity_delta=-1, external_ref="A-1"
    )
    text = format_entry(translators["en"], sale, WARSAW)
    assert "👤 allegro:shop1" in text and "Order: <code>A-1</code>" in text


async def test_system_and_cli_actors_are_translated(translators: dict[str, I18nContext]) -> None:
    system = entry(OperationType.RECEIPT, actor="system", user_name=None)
    assert "👤 система" in format_entry(translators["ru"], system, WARSAW)
    cli = entry(OperationType.RECEIPT, actor="cli", user_name=None)
    assert "👤 wiersz poleceń" in format_entry(translators["pl"], cli, WARSAW)


async def test_count_shows_old_new_and_delta(translators: dict[str, I18nContext]) -> None:
    count = entry(OperationType.COUNT, quantity_delta=-3, changes={"on_hand": [10, 7]})
    text = format_entry(translators["en"], count, WARSAW)
    assert "Warehouse: WH1 · 10 → 7 (<b>−3</b>)" in text
    assert "•" not in text  # the count's change is the quantity line, not a field list


async def test_edit_lists_every_changed_field_with_no_warehouse(translators: dict[str, I18nContext]) -> None:
    edit = entry(
        OperationType.PRODUCT_EDIT,
        warehouse_code=None,
        changes={
            "sku": ["MUG-1", "MUG-2"],
            "name": ["Mug <old>", "Mug & new"],
            "eans": [["5901234123457"], ["5901234123457", "96385074"]],
            "photo": [None, "0123456789abcdef"],
        },
    )
    lines = format_entry(translators["ru"], edit, WARSAW).split("\n")
    assert lines[1] == "Склад: —"
    assert lines[3:] == [
        "• SKU: MUG-1 → MUG-2",
        "• Название: Mug &lt;old&gt; → Mug &amp; new",
        "• EAN: 5901234123457 → 5901234123457, 96385074",
        "• Фото: — → фото #01234567",
    ]


async def test_archive_does_not_repeat_the_flag(translators: dict[str, I18nContext]) -> None:
    archived = entry(OperationType.PRODUCT_ARCHIVE, warehouse_code=None, changes={"archived": [False, True]})
    text = format_entry(translators["en"], archived, WARSAW)
    assert "Product archived" in text and "•" not in text


async def test_every_type_has_a_name_in_every_language(translators: dict[str, I18nContext]) -> None:
    for language in LANGUAGES:
        names = {
            format_entry(translators[language], entry(op), WARSAW).split(" · ")[0] for op in OperationType
        }
        assert len(names) == len(OperationType), language


def test_signed() -> None:
    assert [signed(5), signed(-5), signed(0)] == ["+5", "−5", "0"]


def test_pack_blocks_keeps_entries_whole() -> None:
    blocks = [f"entry {index}\n" + "x" * 90 for index in range(100)]
    messages = pack_blocks(blocks, limit=1000)
    assert all(len(message) <= 1000 for message in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)
    assert all(message.startswith("entry ") for message in messages)


def test_pack_blocks_cuts_a_single_huge_block_by_lines() -> None:
    huge = "\n".join(["y" * 50] * 100)
    messages = pack_blocks(["head", huge, "tail"], limit=1000)
    assert all(len(message) <= 1000 for message in messages)
    assert messages[0].startswith("head") and messages[-1].endswith("tail")


def test_pack_blocks_of_nothing_is_one_empty_message() -> None:
    assert pack_blocks([]) == [""]
