"""Allegro pieces that need no server: hosts, models, redaction, decoding, error texts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from integrations.allegro.errors import (
    AllegroBadRequest,
    AllegroError,
    AllegroProtocolError,
    AllegroServerError,
    error_class_for_status,
    redact,
)
from integrations.allegro.hosts import PRODUCTION, SANDBOX, resolve_hosts
from integrations.allegro.models import (
    DeviceCode,
    GeneralReport,
    OffersSearchResult,
    OrderEventsList,
    OrderEventStats,
    TokenPair,
    TokenResponse,
    format_user_code,
)
from integrations.allegro.transport import RetryPolicy, decode, error_from_response

EVENT = {
    "id": "1532603898317497",
    "occurredAt": "2018-10-12T10:12:32.321Z",
    "type": "READY_FOR_PROCESSING",
    "somethingNew": {"a": 1},
    "order": {
        "seller": {"id": "437848322"},
        "buyer": {"id": "23123123", "email": "u@allegro.pl", "login": "User_Login", "guest": False},
        "lineItems": [
            {
                "id": "62ae358b-8f65-4fc4-9c77-bedf604a2e2b",
                "offer": {"id": "3213213", "name": "Black shoes 41", "external": None},
                "quantity": 2,
                "price": {"amount": "123.45", "currency": "PLN"},
            },
            {
                "id": "72ae358b-8f65-4fc4-9c77-bedf604a2e2b",
                "offer": {"id": "3213214", "name": "Red shoes", "external": {"id": "AH-129834"}},
                "quantity": 1.0,
                "price": {"amount": "1", "currency": "PLN"},
            },
        ],
        "checkoutForm": {"id": "88ae369b-8f65-4fc4-9c77-bedf604a2e2b", "revision": "819b5836"},
    },
}


def response(
    status: int, body: object, *, path: str = "/order/events", headers: dict[str, str] | None = None
):
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = httpx.Request("GET", f"https://api.allegro.pl{path}?limit=1")
    return httpx.Response(status, content=content, request=request, headers=headers)


def test_hosts() -> None:
    assert resolve_hosts() == PRODUCTION
    assert resolve_hosts(sandbox=True) == SANDBOX
    custom = resolve_hosts(sandbox=True, api_url="http://127.0.0.1:8080/", auth_url=None)
    assert (custom.api_url, custom.auth_url) == ("http://127.0.0.1:8080", SANDBOX.auth_url)
    for bad in ("api.allegro.pl", "ftp://x", "https://x/?a=1"):
        with pytest.raises(ValueError):
            resolve_hosts(api_url=bad)


def test_user_code_is_grouped_by_three() -> None:
    assert format_user_code("cbt3zdu4g") == "cbt 3zd u4g"
    assert format_user_code("cbt 3zd u4g") == "cbt 3zd u4g"
    device = DeviceCode.model_validate(
        {
            "user_code": "cbt3zdu4g",
            "device_code": "645629715",
            "expires_in": "3600",
            "interval": "5",
            "verification_uri": "https://allegro.pl/skojarz-aplikacje",
        }
    )
    assert (device.expires_in, device.interval, device.formatted_user_code) == (3600, 5, "cbt 3zd u4g")
    assert "645629715" not in repr(device)


def test_order_events_tolerate_missing_sku_and_new_fields() -> None:
    events = OrderEventsList.model_validate({"events": [EVENT]}).events

    items = events[0].order.line_items
    assert [item.offer.external_id for item in items] == [None, "AH-129834"]
    assert [item.quantity for item in items] == [2, 1]
    assert str(items[0].price.amount) == "123.45"  # type: ignore[union-attr]
    assert events[0].occurred_at.tzinfo is not None
    assert OrderEventStats.model_validate({}).latest_event is None


def test_offers_and_reports_parse() -> None:
    result = OffersSearchResult.model_validate(
        {
            "offers": [
                {"id": "1", "external": None, "stock": {"available": 8, "sold": 0}, "saleInfo": {}},
                {"id": "2", "external": {"id": "SKU"}, "publication": {"status": "ACTIVE"}},
            ],
            "count": 2,
            "totalCount": 7,
        }
    )
    assert [offer.external_id for offer in result.offers] == [None, "SKU"]
    assert result.total_count == 7
    report = GeneralReport.model_validate(
        {"id": "e4", "createdAt": "2019-08-24T14:15:22Z", "completedAt": None, "taskCount": {"total": 0}}
    )
    assert not report.is_complete and report.task_count.failed == 0


def test_token_pair_from_response_hides_values() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    body = TokenResponse.model_validate(
        {"access_token": "eyJaaaa.bbbb.cccc", "refresh_token": "r-secret-1", "expires_in": 43199, "jti": "x"}
    )
    pair = TokenPair.from_response(body, now=now)

    assert pair.expires_at == now + timedelta(seconds=43199)
    assert pair.expires_within(timedelta(minutes=5), now=now + timedelta(hours=12))
    assert not pair.expires_within(timedelta(minutes=5), now=now)
    assert "r-secret-1" not in repr(pair) and "eyJaaaa" not in repr(pair)
    with pytest.raises(ValueError):
        TokenPair.from_response(body.model_copy(update={"refresh_token": None}), now=now)


def test_redact_removes_known_secrets_and_credential_shapes() -> None:
    text = (
        "Access token expired: eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl; "
        "Bearer abc.def; Basic Zm9vOmJhcg== k-123456"
    )
    cleaned = redact(text, ["k-123456", None, ""])
    assert "eyJhbGciOi" not in cleaned and "abc.def" not in cleaned and "Zm9vOmJhcg" not in cleaned
    assert "k-123456" not in cleaned
    assert "Bearer ***" in cleaned and "Basic ***" in cleaned


def test_error_text_names_status_codes_trace_and_path() -> None:
    error = error_from_response(
        response(
            422,
            {
                "errors": [
                    {"code": "ConstraintViolationException", "message": "limit too big", "path": "limit"}
                ]
            },
            headers={"trace-id": "a4feb1cc444ee1a6"},
        )
    )
    assert isinstance(error, AllegroBadRequest)
    assert str(error) == (
        "limit too big [GET /order/events; status=422; "
        "codes=ConstraintViolationException; trace-id=a4feb1cc444ee1a6]"
    )
    assert error.errors[0].path == "limit"
    assert repr(error).startswith("AllegroBadRequest(")
    assert error_class_for_status(503) is AllegroServerError
    assert str(AllegroError("plain")) == "plain"


def test_decode_reports_bad_bodies_without_echoing_them() -> None:
    with pytest.raises(AllegroProtocolError, match="not JSON"):
        decode(OrderEventsList, response(200, b"<html>secret-page</html>"))
    with pytest.raises(AllegroProtocolError) as caught:
        decode(
            OrderEventsList, response(200, {"events": [{"id": "1", "type": "X", "order": "hunter2-token"}]})
        )
    assert "hunter2-token" not in str(caught.value)
    assert "events.0.occurredAt" in str(caught.value)


def test_retry_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(base_delay=-1)
