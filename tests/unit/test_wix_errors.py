"""Wix error bodies become typed errors, and no error text can carry the API key."""

from __future__ import annotations

import json

import pytest

from integrations.wix.errors import (
    WixAuthError,
    WixBadRequest,
    WixCatalogVersionMismatch,
    WixError,
    WixNotFound,
    WixPreconditionFailed,
    WixRateLimited,
    WixRevisionConflict,
    WixServerError,
    error_from_response,
)

SECRET = "IST.secret-api-key"


def _body(message: str = "", code: str | None = None, **details: object) -> bytes:
    body: dict[str, object] = {"message": message, "details": dict(details)}
    if code:
        body["details"] = {"applicationError": {"code": code, "description": message, "data": {}}}
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (401, "UNAUTHENTICATED", WixAuthError),
        (403, "PERMISSION_DENIED", WixAuthError),
        (404, "NOT_FOUND", WixNotFound),
        (409, "REVISION_MISMATCH", WixRevisionConflict),
        (428, "CATALOG_V3_SITE_PROVISIONING", WixPreconditionFailed),
        (428, "CATALOG_V1_SITE_CALLING_CATALOG_V3_API", WixCatalogVersionMismatch),
        (428, "CATALOG_V3_SITE_CALLING_CATALOG_V1_API", WixCatalogVersionMismatch),
        (429, "RESOURCE_EXHAUSTED", WixRateLimited),
        (418, None, WixError),
    ],
)
def test_status_and_code_pick_the_error_class(status: int, code: str | None, kind: type[WixError]) -> None:
    error = error_from_response(status, _body("nope", code), method="POST", path="/x")
    assert type(error) is kind
    assert (error.status, error.code, error.message) == (status, code, "nope")
    assert str(error).startswith(f"POST /x -> {status}")


def test_provisioning_is_not_a_version_mismatch() -> None:
    error = error_from_response(428, _body("wait", "CATALOG_V3_SITE_PROVISIONING"), method="GET", path="/v")
    assert not isinstance(error, WixCatalogVersionMismatch)


def test_validation_errors_carry_their_field_violations() -> None:
    raw = _body(
        "bad",
        validationError={
            "fieldViolations": [
                {"field": "query.paging.limit", "description": "max 100", "violatedRule": "MAX"}
            ]
        },
    )
    error = error_from_response(400, raw, method="POST", path="/q")
    assert isinstance(error, WixBadRequest)
    assert [(v.field, v.violated_rule) for v in error.field_violations] == [("query.paging.limit", "MAX")]
    assert "query.paging.limit: max 100" in str(error)


@pytest.mark.parametrize("raw", [b'{"message":"","details":{}}', b"<html>bad gateway</html>", b""])
def test_server_errors_with_empty_or_foreign_bodies(raw: bytes) -> None:
    error = error_from_response(502, raw, method="GET", path="/v")
    assert isinstance(error, WixServerError) and error.message == ""


def test_rate_limited_keeps_retry_after() -> None:
    error = error_from_response(429, b"{}", method="GET", path="/v", retry_after=2.5)
    assert isinstance(error, WixRateLimited) and error.retry_after == 2.5


def test_the_key_is_scrubbed_from_every_text_taken_from_the_body() -> None:
    raw = _body(
        f"key {SECRET} is revoked",
        validationError={"fieldViolations": [{"field": "auth", "description": f"bad {SECRET}"}]},
    )
    error = error_from_response(400, raw, method="GET", path="/v", scrub=SECRET)
    assert SECRET not in str(error) and SECRET not in repr(error)
    assert isinstance(error, WixBadRequest) and SECRET not in error.field_violations[0].description
    assert "***" in error.message
