"""FSM flow bookkeeping shared by every flow: a short id per run, checked on every flow button.

A flow starts with `start_flow(state, SomeStates.first, key=value, ...)`; its buttons carry the
returned id in `FlowCb.flow`. `current_flow(state, callback_data)` returns the flow's data only when
the button belongs to the running flow, so a button from an earlier or cancelled run is "outdated".
"""

from __future__ import annotations

import secrets
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State

from bot.callbacks import FlowCb

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
