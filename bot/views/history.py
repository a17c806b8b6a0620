"""History entries as text: what, who, when, where, how many, why, and for edits every field old → new.

Entries are rendered one block each; `pack_blocks` fills Telegram messages with whole blocks, so a
long page is split between entries, never inside one (a single block over the limit is cut by lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from aiogram_i18n import I18nContext

from bot.views.format import MAX_MESSAGE, escape, format_time, split_text
from domain.history import HistoryEntry
from domain.inventory import WRITE_OFF_REASONS
from domain.models import OperationType

T = OperationType
ICONS = {
    T.RECEIPT: "📥",
    T.SALE: "🛒",
    T.RETURN: "↩️",
    T.TRANSFER: "🔀",
    T.WRITE_OFF: "🗑",
    T.COUNT: "🧮",
    T.RESERVE: "🔒",
    T.RELEASE: "🔓",
    T.PRODUCT_CREATE: "🆕",
    T.PRODUCT_EDIT: "✏️",
    T.PRODUCT_ARCHIVE: "📦",
    T.PRODUCT_RESTORE: "♻️",
}
# Fields whose change the entry's type already says ("Archived"): listing them adds nothing.
IMPLIED_FIELDS = frozenset({"archived"})
KNOWN_FIELDS = frozenset({"sku", "name", "eans", "photo", "on_hand"})
NAMED_ACTORS = frozenset({"system", "cli"})
MINUS = "−"


def signed(number: int) -> str:
    if number > 0:
        return f"+{number}"
    if number < 0:
        return f"{MINUS}{-number}"
    return "0"


def type_name(i18n: I18nContext, op_type: OperationType) -> str:
    return i18n.get(f"history-type-{op_type.value.lower().replace('_', '-')}")


def reason_text(i18n: I18nContext, reason: str) -> str:
    """A write-off reason from the list is translated; free text (CLI, imports) is shown as written."""
    if reason in WRITE_OFF_REASONS:
        return i18n.get(f"stock-reason-{reason.replace('_', '-')}")
    return escape(reason)


def _who(i18n: I18nContext, entry: HistoryEntry) -> str:
    if entry.user_name:
        return escape(entry.user_name)
    if entry.actor in NAMED_ACTORS:
        return i18n.get(f"history-actor-{entry.actor}")
    return escape(entry.actor)


def _where(entry: HistoryEntry) -> str:
    if entry.type is T.TRANSFER:
        return f"{escape(entry.warehouse_code or '—')} → {escape(entry.to_warehouse_code or '—')}"
    return escape(entry.warehouse_code) if entry.warehouse_code else "—"


def _value(i18n: I18nContext, field: str, value: Any) -> str:
    if value is None or value == []:
        return "—"
    if field == "photo":
        return i18n.get("history-photo", tag=escape(str(value)[:8]))
    if isinstance(value, bool):
        return i18n.get("history-yes" if value else "history-no")
    if isinstance(value, list):
        return ", ".join(escape(item) for item in value)
    return escape(value)


def _field_name(i18n: I18nContext, field: str) -> str:
    if field in KNOWN_FIELDS:
        return i18n.get(f"history-field-{field.replace('_', '-')}")
    return escape(field)


def _quantity(entry: HistoryEntry) -> str | None:
    delta = entry.quantity_delta
    if delta is None:
        return None
    if entry.type is T.TRANSFER:
        return f"<b>{delta}</b>"
    if entry.type is T.COUNT and entry.changes and "on_hand" in entry.changes:
        old, new = entry.changes["on_hand"]
        return f"{old} → {new} (<b>{signed(delta)}</b>)"
    return f"<b>{signed(delta)}</b>"


def _changes(i18n: I18nContext, entry: HistoryEntry) -> list[str]:
    if not entry.changes or entry.type is T.COUNT:
        return []
    lines = []
    for field, pair in entry.changes.items():
        if field in IMPLIED_FIELDS or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = pair
        lines.append(f"• {_field_name(i18n, field)}: {_value(i18n, field, old)} → {_value(i18n, field, new)}")
    return lines


def format_entry(i18n: I18nContext, entry: HistoryEntry, zone: ZoneInfo, *, show_sku: bool = True) -> str:
    icon = ICONS.get(entry.type, "•")
    head = f"{icon} <b>{type_name(i18n, entry.type)}</b> · {format_time(entry.created_at, zone)}"
    if show_sku:
        head += f" · <code>{escape(entry.sku)}</code>"
    where = i18n.get("history-warehouse", where=_where(entry))
    quantity = _quantity(entry)
    lines = [
        head,
        f"{where} · {quantity}" if quantity else where,
        i18n.get("history-who", who=_who(i18n, entry)),
    ]
    if entry.reason:
        lines.append(i18n.get("history-reason", reason=reason_text(i18n, entry.reason)))
    if entry.external_ref:
        lines.append(i18n.get("history-ref", ref=escape(entry.external_ref)))
    lines.extend(_changes(i18n, entry))
    return "\n".join(lines)


def pack_blocks(blocks: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Messages of whole blocks separated by a blank line, each at most `limit` characters."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        pieces = split_text(block, limit) if len(block) > limit else [block]
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
                continue
            messages.append(current)
            current = piece
    if current or not messages:
        messages.append(current)
    return messages
