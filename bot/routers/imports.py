"""CSV import (admin): send a products CSV → a dry-run report with Apply / Cancel → apply, all or
nothing. A file with any bad row is refused with every reason and its line number, in the user's
language (`error-<reason>` like any domain error); nothing is saved."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import FlowAction, FlowCb
from bot.files import download
from bot.filters import AdminOnly
from bot.flows import confirm_keyboard, finish_flow, start_flow
from bot.i18n_text import error_text
from bot.views.format import escape, split_text
from domain.actors import Actor
from domain.csv_io import ImportReport, RowError, apply_plan, parse_products_csv, plan_import
from domain.errors import DomainError

router = Router(name=__name__)

MAX_CSV_BYTES = 10 * 1024 * 1024
SHOWN_ERRORS = 50
SHOWN_PRODUCTS = 15
CSV_MIME_TYPES = frozenset({"text/csv", "text/comma-separated-values", "application/csv", "text/x-csv"})

IS_CSV = F.document.file_name.lower().endswith(".csv") | F.document.mime_type.in_(CSV_MIME_TYPES)


class ImportFlow(StatesGroup):
    confirm = State()


async def _checked(session: AsyncSession, data: bytes, source: str) -> ImportReport:
    rows, errors = parse_products_csv(data)
    if errors:
        return ImportReport(source=source, rows=len(rows), errors=errors)
    return await plan_import(session, rows, source)


async def _refuse(message: Message, i18n: I18nContext, errors: list[RowError]) -> None:
    lines = [i18n.get("import-refused", count=len(errors))]
    lines += [
        i18n.get("import-error-line", line=error.line, text=error_text(i18n, error.error))
        for error in errors[:SHOWN_ERRORS]
    ]
    if len(errors) > SHOWN_ERRORS:
        lines.append(i18n.get("import-more-errors", count=len(errors) - SHOWN_ERRORS))
    for chunk in split_text("\n".join(lines)):
        await message.answer(chunk)


def _plan_text(i18n: I18nContext, report: ImportReport) -> str:
    lines = [
        i18n.get(
            "import-dry-run",
            rows=report.rows,
            create=len(report.to_create),
            update=len(report.to_update),
            receipts=len(report.receipts),
            units=report.units,
        )
    ]
    for plan in report.products[:SHOWN_PRODUCTS]:
        key = "import-plan-create" if plan.creates else "import-plan-update"
        lines.append(i18n.get(key, sku=escape(plan.sku), name=escape(plan.name)))
    if len(report.products) > SHOWN_PRODUCTS:
        lines.append(i18n.get("import-more-products", count=len(report.products) - SHOWN_PRODUCTS))
    return "\n".join(lines)


@router.message(F.document, IS_CSV, StateFilter(None), AdminOnly())
async def csv_received(
    message: Message, state: FSMContext, session: AsyncSession, i18n: I18nContext, bot: Bot
) -> None:
    document = message.document
    assert document is not None
    data = await download(bot, document.file_id, document.file_size, MAX_CSV_BYTES, kind="csv")
    source = document.file_name or "upload.csv"
    report = await _checked(session, data, source)
    if report.errors:
        await _refuse(message, i18n, report.errors)
        return
    flow = await start_flow(state, ImportFlow.confirm, csv=data, source=source)
    keyboard = confirm_keyboard(i18n, flow, "import-apply")
    *head, last = split_text(_plan_text(i18n, report))
    for chunk in head:
        await message.answer(chunk)
    await message.answer(last, reply_markup=keyboard)


@router.callback_query(
    FlowCb.filter(F.action == FlowAction.CONFIRM), StateFilter(ImportFlow.confirm), AdminOnly()
)
async def apply(
    query: CallbackQuery,
    callback_data: FlowCb,
    state: FSMContext,
    session: AsyncSession,
    i18n: I18nContext,
    actor: Actor,
) -> None:
    finished = await finish_flow(query, callback_data, state, i18n)
    if finished is None:
        return
    data, message = finished
    await query.answer()
    # Checked again: the catalog may have changed since the dry run.
    report = await _checked(session, data["csv"], data["source"])
    if not report.errors:
        try:
            await apply_plan(session, report, actor)
            await session.commit()
        except DomainError:
            await session.rollback()
    if report.errors:
        await _refuse(message, i18n, report.errors)
        return
    await message.answer(
        i18n.get(
            "import-done",
            create=len(report.to_create),
            update=len(report.to_update),
            receipts=len(report.receipts),
            units=report.units,
        )
    )
