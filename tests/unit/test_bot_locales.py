"""Every catalog exists in en, pl and ru with the same keys and the same variables, and is really
translated (not a copy of English)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast

LOCALES = Path(__file__).resolve().parents[2] / "bot" / "locales"
LANGUAGES = ("en", "pl", "ru")
VARIABLE = re.compile(r"\{\s*\$([a-z_]+)\s*\}")


def _messages(path: Path) -> dict[str, str]:
    resource = FluentParser().parse(path.read_text(encoding="utf-8"))
    junk = [entry for entry in resource.body if isinstance(entry, ast.Junk)]
    assert not junk, f"{path}: cannot parse {junk[0].content[:80]!r}"
    return {
        entry.id.name: path.read_text(encoding="utf-8")[entry.span.start : entry.span.end]
        for entry in resource.body
        if isinstance(entry, ast.Message)
    }


def _words(entry: str) -> bool:
    """Whether a message has translatable words besides its key, variables and tags."""
    value = entry.split("=", 1)[1]
    bare = re.sub(r"\{[^}]*\}|<[^>]+>", " ", value)
    return len(re.findall(r"[^\W\d_]{3,}", bare)) >= 2


@pytest.mark.parametrize("name", sorted(path.name for path in (LOCALES / "en").glob("*.ftl")))
def test_catalog_is_complete_in_every_language(name: str) -> None:
    english = _messages(LOCALES / "en" / name)
    for language in LANGUAGES[1:]:
        other = _messages(LOCALES / language / name)
        assert set(other) == set(english), f"{language}/{name}: keys differ"
        for key, text in english.items():
            assert set(VARIABLE.findall(other[key])) == set(VARIABLE.findall(text)), (
                f"{language}/{name}: {key}"
            )
        copies = [key for key, text in english.items() if other[key] == text and _words(text)]
        assert not copies, f"{language}/{name}: untranslated {copies}"
