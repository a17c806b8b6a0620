"""SKU checks made before any request, so a bad SKU is reported instead of sent.

Wix caps `physicalProperties.sku` (and V3 variant SKUs) at 40 characters; a SKU with leading or trailing
whitespace, or with characters Python deems unprintable (tabs, line breaks, controls, spaces other than
U+0020), can never match what staff type or Wix shows, so asking for it wastes a request.
"""

from __future__ import annotations

from collections.abc import Iterable

WIX_SKU_MAX_LENGTH = 40


def sku_problem(sku: object) -> str | None:
    """Why Wix could not hold this SKU, or None when it can."""
    if not isinstance(sku, str) or not sku:
        return "empty SKU"
    if len(sku) > WIX_SKU_MAX_LENGTH:
        return f"longer than {WIX_SKU_MAX_LENGTH} characters"
    if sku != sku.strip():
        return "leading or trailing whitespace"
    if not sku.isprintable():
        return "contains a tab, line break, control character or special space"
    return None


def split_skus(skus: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """(valid SKUs in first-seen order without repeats, {invalid SKU: reason})."""
    valid: dict[str, None] = {}
    invalid: dict[str, str] = {}
    for sku in skus:
        problem = sku_problem(sku)
        if problem:
            invalid[sku] = problem
        else:
            valid[sku] = None
    return list(valid), invalid
