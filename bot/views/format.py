"""Formatting helpers: HTML escaping, times in the configured zone, texts split under Telegram's limit."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram.utils.markdown import html_decoration

MAX_MESSAGE = 4096
MAX_CAPTION = 1024


def escape(text: object) -> str:
    """User-supplied text (names, SKUs, typed values) in an HTML message."""
    return html_decoration.quote(str(text))


def format_time(moment: datetime, zone: ZoneInfo) -> str:
    if moment.tzinfo is None:  # SQLite gives naive UTC back
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _safe_cut(line: str, limit: int) -> int:
    """A cut position ≤ limit that does not split an HTML entity (&amp;) or a tag (<b>)."""
    cut = limit
    amp, semi = line.rfind("&", 0, cut), line.rfind(";", 0, cut)
    if amp > semi and cut - amp < 10:
        cut = amp
    lt, gt = line.rfind("<", 0, cut), line.rfind(">", 0, cut)
    if lt > gt:
        cut = lt
    return cut if cut > 0 else limit


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at line breaks into chunks of at most `limit` characters; an over-long line is cut.

    Our templates never open a tag on one line and close it on another, so every chunk stays valid
    HTML as long as a cut never falls inside a tag (a single line longer than the limit is cut
    between tags, and a tag spanning the cut point is closed by the writer of that template)."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks
