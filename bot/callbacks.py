"""Typed callback data shared by the feature routers (packed < 64 bytes: ids, never names)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class ProductAction(StrEnum):
    VIEW = "view"
    EDIT_SKU = "edit_sku"
    EDIT_NAME = "edit_name"
    EDIT_EANS = "edit_eans"
    EDIT_PHOTO = "edit_photo"
    ARCHIVE = "archive"
    RESTORE = "restore"
    RECEIVE = "receive"
    TRANSFER = "transfer"
    WRITE_OFF = "write_off"
    COUNT = "count"
    HISTORY = "history"
    PHOTO = "photo"


class ProductCb(CallbackData, prefix="p"):
    """A button on a product card. `version` is the product version the card showed."""

    action: ProductAction
    product_id: int
    version: int = 0


class PageCb(CallbackData, prefix="pg"):
    """Paging of a list. `scope` names the list (e.g. "s" search, "h" history); `token` identifies
    which list of that scope (a search key, a product id …); `page` is 0-based."""

    scope: str
    token: str = ""
    page: int = 0


class FlowAction(StrEnum):
    CONFIRM = "ok"
    CANCEL = "cancel"
    SKIP = "skip"
    BACK = "back"
    PICK = "pick"


class FlowCb(CallbackData, prefix="fl"):
    """A button inside an FSM flow. `flow` is the id of the flow run that showed it (bot.flows), so a
    button left over from an earlier run of the same flow is recognised as outdated."""

    action: FlowAction
    flow: str = ""
    value: int = 0
