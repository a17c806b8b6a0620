"""SKUs Wix cannot hold are reported before any request."""

from __future__ import annotations

import pytest

from integrations.wix.sku import sku_problem, split_skus


@pytest.mark.parametrize("sku", ["A", "ABC-123_x.y/z", "with inner space", "Ł-ÓDŹ", "x" * 40])
def test_valid_skus(sku: str) -> None:
    assert sku_problem(sku) is None


@pytest.mark.parametrize(
    ("sku", "reason"),
    [
        ("", "empty SKU"),
        ("x" * 41, "longer than 40 characters"),
        (" A", "leading or trailing whitespace"),
        ("A\n", "leading or trailing whitespace"),
        ("A\tB", "contains a tab"),
        ("A\u00a0B", "special space"),
        ("A\x00B", "control character"),
    ],
)
def test_invalid_skus(sku: str, reason: str) -> None:
    problem = sku_problem(sku)
    assert problem is not None and reason in problem


def test_split_keeps_first_seen_order_without_repeats() -> None:
    valid, invalid = split_skus(["B", "A", "B", " C", "", "A"])
    assert valid == ["B", "A"]
    assert set(invalid) == {" C", ""}
