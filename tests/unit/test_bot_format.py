from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.views.format import escape, format_time, split_text


def test_escape_user_text() -> None:
    assert escape('Mug <b>&</b> "x"') == 'Mug &lt;b&gt;&amp;&lt;/b&gt; "x"'


def test_times_are_shown_in_the_configured_zone() -> None:
    moment = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert format_time(moment, ZoneInfo("Europe/Warsaw")) == "2026-01-15 13:00"
    assert format_time(moment.replace(tzinfo=None), ZoneInfo("Europe/Warsaw")) == "2026-01-15 13:00"


def test_short_text_is_one_chunk() -> None:
    assert split_text("hello\nworld") == ["hello\nworld"]


def test_long_text_splits_at_line_breaks_under_the_limit() -> None:
    lines = [f"<b>line {number}</b> " + "x" * 80 for number in range(200)]
    chunks = split_text("\n".join(lines))
    assert len(chunks) > 1
    assert all(len(chunk) <= 4096 for chunk in chunks)
    assert "\n".join(chunks) == "\n".join(lines)
    assert all(chunk.count("<b>") == chunk.count("</b>") for chunk in chunks)


def test_a_single_huge_line_is_cut_outside_entities_and_tags() -> None:
    line = ("a&amp;b <i>c</i> " * 600).strip()
    chunks = split_text(line, limit=100)
    assert "".join(chunks) == line
    for chunk in chunks:
        assert len(chunk) <= 100
        assert chunk.count("&") == chunk.count(";")
        assert chunk.count("<") == chunk.count(">")
