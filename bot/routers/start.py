"""/start, /help, /language, and /cancel (with the Cancel button), which wins over every flow."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext

from bot.callbacks import FlowAction, FlowCb
from bot.commands import MenuCommand
from bot.filters import StaffOrAdmin, is_admin
from bot.flows import current_flow
from bot.middlewares.i18n import LANGUAGES
from domain.models import User

router = Router(name=__name__)

COMMANDS = (
    MenuCommand("start", "cmd-start"),
    MenuCommand("help", "cmd-help"),
    MenuCommand("language", "cmd-language"),
    MenuCommand("cancel", "cmd-cancel"),
)


class LanguageCb(CallbackData, prefix="lang"):
    code: str


@router.message(Command("cancel"), StaffOrAdmin())
async def cancel_command(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    had_flow = await state.get_state() is not None
    await state.clear()
    await message.answer(i18n.get("cancelled" if had_flow else "nothing-to-cancel"))


@router.callback_query(FlowCb.filter(F.action == FlowAction.CANCEL), StaffOrAdmin())
async def cancel_button(
    query: CallbackQuery, callback_data: FlowCb, state: FSMContext, i18n: I18nContext
) -> None:
    # Only the running flow's own Cancel counts: an old prompt's button must not end a newer flow.
    if await current_flow(state, callback_data) is None:
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=None)
        return
    await state.clear()
    await query.answer(i18n.get("cancelled"))
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(i18n.get("cancelled"))


@router.message(CommandStart(), StaffOrAdmin())
async def start(message: Message, user: User, i18n: I18nContext, state: FSMContext) -> None:
    await state.clear()
    key = "welcome-admin" if is_admin(user) else "welcome-staff"
    await message.answer(i18n.get(key, name=message.from_user.first_name if message.from_user else ""))


@router.message(Command("help"), StaffOrAdmin())
async def help_command(message: Message, user: User, i18n: I18nContext) -> None:
    await message.answer(i18n.get("help-admin" if is_admin(user) else "help-staff"))


@router.message(Command("language"), StaffOrAdmin())
async def language_menu(message: Message, i18n: I18nContext) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=i18n.get("language-name", code), callback_data=LanguageCb(code=code).pack()
                )
                for code in LANGUAGES
            ]
        ]
    )
    await message.answer(i18n.get("language-choose"), reply_markup=keyboard)


@router.callback_query(LanguageCb.filter(), StaffOrAdmin())
async def language_chosen(query: CallbackQuery, callback_data: LanguageCb, i18n: I18nContext) -> None:
    if callback_data.code not in LANGUAGES:
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        return
    await i18n.set_locale(callback_data.code)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(i18n.get("language-set"))
