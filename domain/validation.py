"""Rules for what staff type: SKUs, GTINs (EAN/UPC), names, quantities and search text.

Every function either returns the normalized value or raises :class:`ValidationError` whose ``reason``
is a stable machine code and whose ``params`` carry the offending ``value`` and what was wrong with it.

GTIN identity: a code is stored exactly as entered (minus spaces and hyphens), but uniqueness and lookups
go through :func:`gtin_key`, which right-aligns every code in 14 digits as the GS1 General Specifications
prescribe. So the UPC-A ``036000291452``, the EAN-13 ``0036000291452`` and the GTIN-14
``00036000291452`` are one product code, while an EAN-8 never collides with an EAN-13 because GS1 does not
issue EAN-13s that start with ``00000``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from domain.errors import ValidationError

SKU_MAX_LENGTH = 64
NAME_MAX_LENGTH = 255
MAX_QUANTITY = 1_000_000
# Counts are absolute levels, so they may legitimately exceed one operation's limit; the cap still catches
# the classic slip of scanning an EAN into the count field.
MAX_COUNT = 10_000_000

GTIN_KINDS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}

_SKU_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./")
_SKU_ALLOWED_TEXT = "A-Z, a-z, 0-9, '-', '_', '.', '/'"
_DIGITS = frozenset("0123456789")
_GTIN_SEPARATORS = re.compile(r"[\s\-]+")
_LIST_SEPARATORS = re.compile(r"[,;\r\n]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
# Letters that carry their diacritic in the base character, so NFKD cannot split it off.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ı": "i", "ħ": "h", "æ": "ae", "œ": "oe"})


def _describe_chars(chars: list[str]) -> str:
    """Render characters so that invisible ones (spaces, zero-width joiners, controls) stay visible."""
    shown = []
    for char in chars:
        if char.isprintable() and not char.isspace():
            shown.append(repr(char))
        else:
            shown.append(f"U+{ord(char):04X}")
    return ", ".join(shown)


def _bad_chars(text: str, allowed: frozenset[str]) -> list[str]:
    return list(dict.fromkeys(char for char in text if char not in allowed))


def _refuse_chars(bad: list[str], raw: str, *, reason: str, message: Callable[[str], str]) -> None:
    """Raise when ``bad`` is not empty; ``message`` gets the characters as _describe_chars shows them."""
    if bad:
        shown = _describe_chars(bad)
        raise ValidationError(message(shown), reason=reason, value=raw, chars=shown)


# --- SKU ----------------------------------------------------------------------------------------------


def normalize_sku(raw: str) -> str:
    """Trim a SKU and check it: 1–64 ASCII letters, digits, ``-``, ``_``, ``.`` or ``/``.

    Case is kept as typed; compare SKUs through :func:`sku_key`.
    """
    sku = raw.strip()
    if not sku:
        raise ValidationError("SKU is empty", reason="sku_empty", value=raw)
    if len(sku) > SKU_MAX_LENGTH:
        raise ValidationError(
            f"SKU {sku!r} is {len(sku)} characters long; at most {SKU_MAX_LENGTH} are allowed",
            reason="sku_too_long",
            value=raw,
            length=len(sku),
            max_length=SKU_MAX_LENGTH,
        )
    _refuse_chars(
        _bad_chars(sku, _SKU_ALLOWED),
        raw,
        reason="sku_chars",
        message=lambda shown: (
            f"SKU {sku!r} contains characters that are not allowed: {shown} (allowed: {_SKU_ALLOWED_TEXT})"
        ),
    )
    return sku


def sku_key(sku: str) -> str:
    """Case-insensitive identity of a SKU, for uniqueness and lookups.

    It does not validate, so it also serves lookups of arbitrary typed text.
    """
    return sku.strip().upper()


# --- GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) ---------------------------------------------------------------


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body`` (a GTIN without its last digit, any length).

    Weights alternate 3, 1, 3, … starting from the digit next to the check digit.
    """
    if not body or not set(body) <= _DIGITS:
        raise ValidationError(
            f"GTIN body {body!r} must be a non-empty string of digits 0-9",
            reason="ean_digits",
            value=body,
            chars=_describe_chars(_bad_chars(body, _DIGITS)),
        )
    total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalize_gtin(raw: str) -> str:
    """Strip spaces and hyphens and verify length and check digit of an EAN-8/UPC-A/EAN-13/GTIN-14."""
    code = _GTIN_SEPARATORS.sub("", raw)
    _refuse_chars(
        _bad_chars(code, _DIGITS),
        raw,
        reason="ean_digits",
        message=lambda shown: f"EAN {raw.strip()!r} must contain only digits, found {shown}",
    )
    if len(code) not in GTIN_KINDS:
        raise ValidationError(
            f"EAN {raw.strip()!r} has {len(code)} digits; expected 8 (EAN-8), 12 (UPC-A), 13 (EAN-13) "
            "or 14 (GTIN-14)",
            reason="ean_length",
            value=raw,
            length=len(code),
        )
    expected = gtin_check_digit(code[:-1])
    if int(code[-1]) != expected:
        raise ValidationError(
            f"EAN {code} has check digit {code[-1]} but its digits give {expected}; a digit is mistyped",
            reason="ean_checksum",
            value=raw,
            expected=expected,
            actual=int(code[-1]),
        )
    return code


def gtin_kind(code: str) -> str:
    """``"EAN-8"``, ``"UPC-A"``, ``"EAN-13"`` or ``"GTIN-14"``; raises for an invalid code."""
    return GTIN_KINDS[len(normalize_gtin(code))]


def gtin_key(code: str) -> str:
    """The 14-digit identity of a GTIN, for uniqueness and lookups (see the module docstring)."""
    return normalize_gtin(code).zfill(14)


def _ean_candidates(raw: str) -> list[str]:
    """Split a typed list into the codes it contains.

    Commas, semicolons and line breaks always separate. Spaces are ambiguous: labels print codes in
    groups ("5 901234 123457"), yet people also separate codes with a space. No printed group has 8 or
    more digits and no code has fewer, so a word of 8+ characters stands alone and runs of shorter words
    are glued back into one code.
    """
    candidates: list[str] = []
    for chunk in _LIST_SEPARATORS.split(raw):
        run: list[str] = []
        for word in chunk.split():
            if len(word.replace("-", "")) >= 8:
                if run:
                    candidates.append(" ".join(run))
                    run = []
                candidates.append(word)
            else:
                run.append(word)
        if run:
            candidates.append(" ".join(run))
    return candidates


def parse_ean_list(raw: str) -> list[str]:
    """Parse several EANs separated by spaces, commas, semicolons or new lines.

    Each code is validated; duplicates (by :func:`gtin_key`) are dropped, keeping the first spelling and
    the order. An empty text gives an empty list. An error names the failing code and its position.
    """
    candidates = _ean_candidates(raw)
    codes: dict[str, str] = {}
    for position, candidate in enumerate(candidates, start=1):
        try:
            code = normalize_gtin(candidate)
        except ValidationError as error:
            params = {key: value for key, value in error.params.items() if key not in {"reason", "value"}}
            raise ValidationError(
                f"EAN #{position} of {len(candidates)}: {error.message}",
                reason=error.reason,
                value=candidate,
                position=position,
                **params,
            ) from error
        codes.setdefault(gtin_key(code), code)
    return list(codes.values())


# --- names and numbers -----------------------------------------------------------------------------------


def normalize_name(raw: str) -> str:
    """Collapse whitespace runs into single spaces and check the length (1–255 characters).

    Composed to NFC first, so a name pasted from macOS (decomposed accents) is stored and counted the same
    as one typed on a phone. Control characters (pasted from spreadsheets) are refused.
    """
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name:
        raise ValidationError("Name is empty", reason="name_empty", value=raw)
    _refuse_chars(
        [char for char in dict.fromkeys(name) if unicodedata.category(char) == "Cc"],
        raw,
        reason="name_chars",
        message=lambda shown: f"Name {name!r} contains control characters: {shown}",
    )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            f"Name is {len(name)} characters long; at most {NAME_MAX_LENGTH} are allowed",
            reason="name_too_long",
            value=raw,
            length=len(name),
            max_length=NAME_MAX_LENGTH,
        )
    return name


def _parse_integer(raw: str | int, *, minimum: int, maximum: int, field: str, low_reason: str) -> int:
    label = field.capitalize()
    not_integer = ValidationError(
        f"{label} {raw!r} is not a whole number", reason=f"{field}_not_integer", value=raw
    )
    too_low = ValidationError(
        f"{label} {raw!r} must be at least {minimum}", reason=low_reason, value=raw, minimum=minimum
    )
    too_large = ValidationError(
        f"{label} {raw!r} is larger than the maximum of {maximum}",
        reason=f"{field}_too_large",
        value=raw,
        maximum=maximum,
    )
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise not_integer
    if isinstance(raw, str):
        text = raw.strip()
        if not _INTEGER.fullmatch(text):
            raise not_integer
        magnitude = text.lstrip("+-").lstrip("0")
        # Decided on the digits, so a pasted thousand-digit number never reaches int()'s size limit.
        if text.startswith("-") and magnitude:
            raise too_low
        if len(magnitude) > len(str(maximum)):
            raise too_large
        number = int(text)
    else:
        number = raw
    if number < minimum:
        raise too_low
    if number > maximum:
        raise too_large
    return number


def parse_quantity(raw: str | int) -> int:
    """A positive whole number of units moved by one operation, at most 1,000,000."""
    return _parse_integer(
        raw, minimum=1, maximum=MAX_QUANTITY, field="quantity", low_reason="quantity_not_positive"
    )


def parse_count(raw: str | int) -> int:
    """A stock level found by counting: a whole number from 0 to 10,000,000."""
    return _parse_integer(raw, minimum=0, maximum=MAX_COUNT, field="count", low_reason="count_negative")


# --- search ----------------------------------------------------------------------------------------------


def search_key(text: str) -> str:
    """Fold text for case- and diacritics-insensitive search ("Łódź ŻÓŁW" and "lodz zolw" match).

    NFKD and casefold, then drop the combining marks, then map the letters that do not decompose
    (ł, đ, ø, …). Everything but letters and digits becomes a word break; breaks collapse to one space.
    Cyrillic folds the same way: ё→е and also й→и, ї→і. Folding й is a deliberate choice: search prefers
    recall, and the few extra hits it causes are in a list the user picks from anyway.
    """
    # Decomposing both before and after casefold: compatibility forms like "ℌ" only become plain
    # (foldable) letters after NFKD, and casefold can produce letters that decompose further ("İ").
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    mapped = bare.translate(_UNDECOMPOSABLE)
    return " ".join("".join(char if char.isalnum() else " " for char in mapped).split())


def search_words(text: str) -> list[str]:
    """The folded words of ``text`` (see :func:`search_key`)."""
    return search_key(text).split()
