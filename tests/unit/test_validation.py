from __future__ import annotations

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.errors import ValidationError
from domain.validation import (
    MAX_COUNT,
    MAX_QUANTITY,
    gtin_check_digit,
    gtin_key,
    gtin_kind,
    normalize_gtin,
    normalize_name,
    normalize_sku,
    parse_count,
    parse_ean_list,
    parse_quantity,
    search_key,
    search_words,
    sku_key,
)

SKU_ALPHABET = string.ascii_letters + string.digits + "-_./"


def reason_of(call, *args) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    return caught.value


# --- SKU ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AB-12", "AB-12"),
        ("  ab_12.x/3 \n", "ab_12.x/3"),
        ("a", "a"),
        ("X" * 64, "X" * 64),
        ("-", "-"),
    ],
)
def test_normalize_sku_accepts_and_trims(raw: str, expected: str) -> None:
    assert normalize_sku(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_normalize_sku_refuses_empty(raw: str) -> None:
    error = reason_of(normalize_sku, raw)
    assert error.reason == "sku_empty"
    assert error.params["value"] == raw


def test_normalize_sku_refuses_too_long_and_names_length() -> None:
    error = reason_of(normalize_sku, "X" * 65)
    assert error.reason == "sku_too_long"
    assert error.params["length"] == 65
    assert error.params["max_length"] == 64
    assert "65" in str(error)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("AB 12", "U+0020"),
        ("ŻÓŁW-1", "'Ż', 'Ó', 'Ł'"),
        ("A+B", "'+'"),
        ("٣12", "'٣'"),  # an Arabic-Indic digit is a digit to str.isdigit, not to us
        ("AB\u200b12", "U+200B"),
        ("a#b#c", "'#'"),  # each bad character named once
    ],
)
def test_normalize_sku_names_bad_characters(raw: str, shown: str) -> None:
    error = reason_of(normalize_sku, raw)
    assert error.reason == "sku_chars"
    assert error.params["chars"] == shown
    assert error.params["value"] == raw
    assert shown in str(error)


@given(st.text(alphabet=SKU_ALPHABET, min_size=1, max_size=64))
def test_any_sku_from_the_alphabet_is_kept_verbatim(sku: str) -> None:
    assert normalize_sku(sku) == sku


@given(st.text(min_size=1, max_size=64).filter(lambda s: any(c not in SKU_ALPHABET for c in s.strip())))
def test_any_sku_with_a_foreign_character_is_refused(sku: str) -> None:
    assert reason_of(normalize_sku, sku).reason == "sku_chars"


def test_sku_key_is_case_insensitive() -> None:
    assert sku_key("abc-1x") == sku_key("ABC-1X") == sku_key(" Abc-1x ") == "ABC-1X"
    assert sku_key("abc-1") != sku_key("abc-2")


# --- GTIN -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("4006381333931", "EAN-13"),
        ("5901234123457", "EAN-13"),
        ("73513537", "EAN-8"),
        ("036000291452", "UPC-A"),
        ("10012345678902", "GTIN-14"),
    ],
)
def test_real_codes_validate(code: str, kind: str) -> None:
    assert normalize_gtin(code) == code
    assert gtin_kind(code) == kind
    assert gtin_check_digit(code[:-1]) == int(code[-1])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 4006381-333931 ", "4006381333931"),
        ("5 901234 123457", "5901234123457"),
        ("0-36000-29145-2", "036000291452"),
        ("7351\t3537", "73513537"),
    ],
)
def test_normalize_gtin_strips_spaces_and_hyphens(raw: str, expected: str) -> None:
    assert normalize_gtin(raw) == expected


def test_checksum_error_names_expected_digit() -> None:
    error = reason_of(normalize_gtin, "4006381333932")
    assert error.reason == "ean_checksum"
    assert error.params["expected"] == 1
    assert error.params["actual"] == 2
    assert error.params["value"] == "4006381333932"
    assert "4006381333932" in str(error)


@pytest.mark.parametrize("raw", ["", "1234567", "12345678901", "123456789012345", "-"])
def test_wrong_length_is_refused(raw: str) -> None:
    error = reason_of(normalize_gtin, raw)
    assert error.reason == "ean_length"
    assert error.params["length"] == len(raw.replace("-", ""))


@pytest.mark.parametrize(
    ("raw", "shown"), [("40063813339x1", "'x'"), ("٤006381333931", "'٤'"), ("4006.381", "'.'")]
)
def test_non_digits_are_named(raw: str, shown: str) -> None:
    error = reason_of(normalize_gtin, raw)
    assert error.reason == "ean_digits"
    assert error.params["chars"] == shown


def test_check_digit_refuses_non_digits() -> None:
    assert reason_of(gtin_check_digit, "12a").reason == "ean_digits"
    assert reason_of(gtin_check_digit, "").reason == "ean_digits"


def test_gtin_key_makes_upc_a_and_zero_prefixed_ean13_the_same_code() -> None:
    assert gtin_key("036000291452") == gtin_key("0036000291452") == gtin_key("00036000291452")
    assert gtin_key("036000291452") == "00036000291452"
    # Stored as given: normalization does not pad.
    assert normalize_gtin("036000291452") == "036000291452"
    assert gtin_key("73513537") == "00000073513537"
    assert gtin_key("4006381333931") != gtin_key("5901234123457")


bodies = st.sampled_from([7, 11, 12, 13]).flatmap(
    lambda length: st.text(alphabet=string.digits, min_size=length, max_size=length)
)


@given(bodies)
def test_any_body_with_its_check_digit_validates(body: str) -> None:
    code = body + str(gtin_check_digit(body))
    assert normalize_gtin(code) == code
    assert gtin_kind(code) == {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}[len(code)]
    assert len(gtin_key(code)) == 14


@given(bodies, st.data())
def test_any_single_digit_change_fails_the_checksum(body: str, data: st.DataObject) -> None:
    code = body + str(gtin_check_digit(body))
    position = data.draw(st.integers(0, len(code) - 1))
    digit = data.draw(st.sampled_from([d for d in string.digits if d != code[position]]))
    changed = code[:position] + digit + code[position + 1 :]
    assert reason_of(normalize_gtin, changed).reason == "ean_checksum"


@given(bodies, st.data())
def test_adjacent_transpositions_are_caught_unless_digits_differ_by_five(
    body: str, data: st.DataObject
) -> None:
    code = body + str(gtin_check_digit(body))
    position = data.draw(st.integers(0, len(code) - 2))
    first, second = code[position], code[position + 1]
    assume(first != second)
    swapped = code[:position] + second + first + code[position + 2 :]
    # Weights 3 and 1 shift the sum by 2·(a−b), which is a multiple of 10 only when |a−b| = 5.
    if abs(int(first) - int(second)) == 5:
        assert normalize_gtin(swapped) == swapped
    else:
        assert reason_of(normalize_gtin, swapped).reason == "ean_checksum"


# --- EAN lists ------------------------------------------------------------------------------------------


def test_parse_ean_list_accepts_every_separator_and_keeps_order() -> None:
    raw = "4006381333931, 73513537;036000291452\n10012345678902 5901234123457\r\n"
    assert parse_ean_list(raw) == [
        "4006381333931",
        "73513537",
        "036000291452",
        "10012345678902",
        "5901234123457",
    ]


def test_parse_ean_list_deduplicates_by_gtin_key_keeping_first_spelling() -> None:
    assert parse_ean_list("036000291452 4006381333931 0036000291452; 4006381333931") == [
        "036000291452",
        "4006381333931",
    ]


def test_parse_ean_list_glues_printed_groups_back_together() -> None:
    assert parse_ean_list("5 901234 123457") == ["5901234123457"]
    assert parse_ean_list("4006381333931 5 901234 123457, 7351 3537") == [
        "4006381333931",
        "5901234123457",
        "73513537",
    ]


def test_parse_ean_list_of_grouped_codes_needs_explicit_separators() -> None:
    error = reason_of(parse_ean_list, "7351 3537 7351 3537")
    assert error.reason == "ean_length"


@pytest.mark.parametrize("raw", ["", "  ", ", ;\n"])
def test_parse_ean_list_of_nothing_is_empty(raw: str) -> None:
    assert parse_ean_list(raw) == []


def test_parse_ean_list_names_the_failing_code() -> None:
    error = reason_of(parse_ean_list, "4006381333931, 4006381333932, 73513537")
    assert error.reason == "ean_checksum"
    assert error.params["value"] == "4006381333932"
    assert error.params["position"] == 2
    assert error.params["expected"] == 1
    assert "#2 of 3" in str(error)
    assert "4006381333932" in str(error)


def test_parse_ean_list_names_bad_characters_of_the_failing_code() -> None:
    error = reason_of(parse_ean_list, "73513537; ABC")
    assert error.reason == "ean_digits"
    assert error.params["value"] == "ABC"
    assert error.params["position"] == 2


@given(st.lists(bodies, max_size=6), st.sampled_from([", ", ";", "\n", " "]))
def test_parse_ean_list_round_trips_joined_codes(body_list: list[str], separator: str) -> None:
    codes = [body + str(gtin_check_digit(body)) for body in body_list]
    first_spellings: dict[str, str] = {}
    for code in codes:
        first_spellings.setdefault(gtin_key(code), code)
    assert parse_ean_list(separator.join(codes)) == list(first_spellings.values())


# --- names ----------------------------------------------------------------------------------------------


def test_normalize_name_collapses_whitespace() -> None:
    assert normalize_name("  Kubek \t  ceramiczny\n 300 ml ") == "Kubek ceramiczny 300 ml"


def test_normalize_name_composes_decomposed_accents() -> None:
    name = normalize_name("Zo\u0301łw")
    assert name == "Zółw"
    assert len(name) == 4


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_normalize_name_refuses_empty(raw: str) -> None:
    assert reason_of(normalize_name, raw).reason == "name_empty"


def test_normalize_name_length_limits() -> None:
    assert normalize_name("ą" * 255) == "ą" * 255
    error = reason_of(normalize_name, "ą" * 256)
    assert error.reason == "name_too_long"
    assert error.params["length"] == 256
    assert error.params["max_length"] == 255


def test_normalize_name_counts_length_after_collapsing() -> None:
    assert len(normalize_name("a" + " " * 500 + "b")) == 3


def test_normalize_name_refuses_control_characters() -> None:
    error = reason_of(normalize_name, "Kubek\x00duży")
    assert error.reason == "name_chars"
    assert error.params["chars"] == "U+0000"


# --- quantities and counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"), [("5", 5), (5, 5), (" 7 ", 7), ("+3", 3), ("0005", 5), ("1000000", MAX_QUANTITY)]
)
def test_parse_quantity_accepts(raw: str | int, expected: int) -> None:
    assert parse_quantity(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("0", "quantity_not_positive"),
        (0, "quantity_not_positive"),
        ("-2", "quantity_not_positive"),
        ("-0", "quantity_not_positive"),
        ("-" + "9" * 5000, "quantity_not_positive"),
        ("1000001", "quantity_too_large"),
        (MAX_QUANTITY + 1, "quantity_too_large"),
        ("9" * 5000, "quantity_too_large"),
        ("1.5", "quantity_not_integer"),
        ("1e3", "quantity_not_integer"),
        ("", "quantity_not_integer"),
        ("abc", "quantity_not_integer"),
        ("1 000", "quantity_not_integer"),
        ("٣", "quantity_not_integer"),
        (True, "quantity_not_integer"),
        (2.0, "quantity_not_integer"),
    ],
)
def test_parse_quantity_refuses(raw: object, reason: str) -> None:
    error = reason_of(parse_quantity, raw)
    assert error.reason == reason
    assert error.params["value"] == raw


def test_parse_quantity_error_names_the_limit() -> None:
    error = reason_of(parse_quantity, "5901234123457")
    assert error.params["maximum"] == MAX_QUANTITY
    assert "5901234123457" in str(error)


@given(st.integers(1, MAX_QUANTITY))
def test_parse_quantity_round_trips_text(number: int) -> None:
    assert parse_quantity(str(number)) == parse_quantity(number) == number


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), (0, 0), ("12", 12), (str(MAX_COUNT), MAX_COUNT)])
def test_parse_count_accepts_zero_and_up(raw: str | int, expected: int) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("-1", "count_negative"),
        (-1, "count_negative"),
        (MAX_COUNT + 1, "count_too_large"),
        ("5901234123457", "count_too_large"),
        ("x", "count_not_integer"),
        ("", "count_not_integer"),
    ],
)
def test_parse_count_refuses(raw: str | int, reason: str) -> None:
    assert reason_of(parse_count, raw).reason == reason


# --- search ---------------------------------------------------------------------------------------------


def test_search_key_folds_polish() -> None:
    assert search_key("Łódź ŻÓŁW") == search_key("lodz zolw") == "lodz zolw"
    assert search_key("Zażółć gęślą jaźń") == "zazolc gesla jazn"


def test_search_key_folds_cyrillic() -> None:
    assert search_key("Ёлка") == search_key("елка") == search_key("ЕЛКА") == "елка"
    assert search_key("Чайник") == search_key("чаиник")  # й folds to и by design
    assert search_key("Їжак") == search_key("іжак")


def test_search_key_treats_punctuation_as_word_breaks() -> None:
    assert search_key("  Kubek,  biały!!\t(300ml) ") == "kubek biały 300ml".replace("ł", "l")
    assert search_words("Kubek-biały 300 ml") == ["kubek", "bialy", "300", "ml"]
    assert search_words(" ,.- ") == []


def test_search_key_handles_other_undecomposable_letters() -> None:
    assert search_key("Straße Øl Œuvre ℌ") == "strasse ol oeuvre h"


@given(st.text(max_size=40))
def test_search_key_is_idempotent_and_tidy(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key
    assert key == key.strip()
    assert "  " not in key
    assert all(char.isalnum() or char == " " for char in key)


@given(st.text(alphabet="aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ ", max_size=30))
def test_search_key_of_polish_text_is_plain_ascii(text: str) -> None:
    key = search_key(text)
    assert key.isascii()
    assert search_key(text.upper()) == search_key(text.lower()) == key
