"""FSM flow bookkeeping shared by every flow: a short id per run, checked on every flow button.

A flow starts with `start_flow(state, SomeStates.first, key=value, ...)`; its buttons carry the
returned id in `FlowCb.flow`. `current_flow(state, callback_data)` returns the flow's data only when
the button belongs to the running flow, so a button from an earlier or cancelled run is "outdated".
`cancel_keyboard` / `confirm_keyboard` build the usual buttons; `finish_flow` is the common start of
a flow's final (Confirm) handler.
"""

from __future__ import annotations

import secrets
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext

from bot.callbacks import FlowAction, FlowCb

FLOW_KEY = "flow"


async def start_flow(state: FSMContext, first: State, **data: Any) -> str:
    flow_id = secrets.token_hex(4)
    await state.set_state(first)
    await state.set_data({FLOW_KEY: flow_id, **data})
    return flow_id


async def current_flow(state: FSMContext, callback_data: FlowCb) -> dict[str, Any] | None:
    data = await state.get_data()
    if not callback_data.flow or data.get(FLOW_KEY) != callback_data.flow:
        return None
    return data


def flow_button(text: str, action: FlowAction, flow: str, value: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=FlowCb(action=action, flow=flow, value=value).pack())


def cancel_keyboard(i18n: I18nContext, flow: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[flow_button(i18n.get("btn-cancel"), FlowAction.CANCEL, flow)]]
    )


def confirm_keyboard(i18n: I18nContext, flow: str, confirm_key: str = "btn-confirm") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                flow_button(i18n.get(confirm_key), FlowAction.CONFIRM, flow),
                flow_button(i18n.get("btn-cancel"), FlowAction.CANCEL, flow),
            ]
        ]
    )


async def finish_flow(
    query: CallbackQuery, callback_data: FlowCb, state: FSMContext, i18n: I18nContext
) -> tuple[dict[str, Any], Message] | None:
    """For a flow's last button (Confirm, Apply): the flow's data and the message that showed the
    button, with the flow ended and the button removed — or None, after answering "outdated", when
    the button does not belong to the running flow."""
    data = await current_flow(state, callback_data)
    if data is None or not isinstance(query.message, Message):
        await query.answer(i18n.get("button-outdated"), show_alert=True)
        return None
    await state.clear()
    await query.message.edit_reply_markup(reply_markup=None)
    return data, query.message
