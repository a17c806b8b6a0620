"""One HTTP exchange with Allegro: retries of transient failures, the 429 gate, logging, body decoding.

Both the OAuth client and the API client send through `Transport`; what a non-transient answer means
(401 → refresh, 409 → wait, …) is decided by them, not here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential_jitter

from integrations.allegro.errors import (
    AllegroError,
    AllegroProtocolError,
    AllegroRateLimited,
    AllegroServerError,
    error_class_for_status,
)
from integrations.allegro.models import ApiError, AuthErrorBody, ErrorsHolder

logger = logging.getLogger("integrations.allegro")

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. Defaults suit production; tests shrink the delays."""

    attempts: int = 5
    """Tries (the first included) of a request that times out, loses its connection or gets a 5xx."""
    base_delay: float = 1.0
    """First back-off after a transient failure; doubles each time, plus up to as much jitter."""
    max_delay: float = 30.0
    rate_limit_backoff: float = 60.0
    """Pause of every request of the client after a 429 (Allegro blocks for about a minute)."""
    rate_limit_attempts: int = 3
    """Tries (the first included) of a request that keeps getting 429."""
    conflict_attempts: int = 5
    """Tries of an offer edit answered 409 because an earlier edit of the offer is still running."""
    conflict_delay: float = 2.0
    operation_timeout: float = 120.0
    """How long to follow an accepted (202) offer edit before giving up with `AllegroTimeout`."""

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.rate_limit_attempts < 1 or self.conflict_attempts < 1:
            raise ValueError("attempt counts must be at least 1")
        if min(self.base_delay, self.max_delay, self.rate_limit_backoff, self.conflict_delay) < 0:
            raise ValueError("delays must not be negative")


class RateLimitGate:
    """The "blocked until" moment after a 429, shared by every request that passes through it.

    Allegro limits per client id and extends a block when requests keep coming, so all clients of one
    client id (one per seller account) should share a single gate.
    """

    def __init__(self) -> None:
        self._until = 0.0

    @property
    def remaining(self) -> float:
        return max(0.0, self._until - time.monotonic())

    def block(self, seconds: float) -> None:
        self._until = max(self._until, time.monotonic() + seconds)

    async def wait(self) -> None:
        # A loop, not an Event: another 429 may push the moment further while we sleep.
        while (delay := self._until - time.monotonic()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(delay)


class Transport:
    """Sends requests, retrying timeouts, connection errors and 5xx with exponential back-off and jitter.

    With a `RateLimitGate`, a 429 closes the gate for ``rate_limit_backoff`` seconds (or ``Retry-After``
    if longer) and the request is tried again once it opens; without one a 429 raises at once.
    """

    def __init__(
        self, http: httpx.AsyncClient, *, policy: RetryPolicy, gate: RateLimitGate | None = None
    ) -> None:
        self._http = http
        self._policy = policy
        self._gate = gate
        self._backoff = wait_exponential_jitter(
            multiplier=policy.base_delay, max=policy.max_delay, jitter=policy.base_delay
        )

    async def send(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None = None,
        content: bytes | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        secrets: Sequence[str] = (),
    ) -> httpx.Response:
        """The first answer that is neither a 429 nor a 5xx; raises `AllegroServerError` or
        `AllegroRateLimited` when those persist through the policy's attempts."""
        retrying = AsyncRetrying(
            retry=retry_if_exception(self._retryable),
            stop=self._stop,
            wait=self._wait,
            before_sleep=self._log_retry,
            reraise=True,
        )
        request = self._http.build_request(
            method,
            url,
            params=tuple(params) if params else None,
            content=content,
            data=data,
            headers=headers,
        )
        return await retrying(self._attempt, request, auth, secrets)

    async def _attempt(
        self, request: httpx.Request, auth: httpx.Auth | None, secrets: Sequence[str]
    ) -> httpx.Response:
        if self._gate is not None:
            await self._gate.wait()
        started = time.monotonic()
        target = _target(request)
        try:
            response = await self._http.send(request, auth=auth, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise AllegroServerError(
                f"no answer in time ({type(exc).__name__})", method=request.method, path=request.url.path
            ) from None
        except httpx.TransportError as exc:
            raise AllegroServerError(
                f"connection failed ({type(exc).__name__})", method=request.method, path=request.url.path
            ) from None
        logger.debug(
            "allegro %s %s -> %s in %.3fs trace-id=%s",
            request.method,
            target,
            response.status_code,
            time.monotonic() - started,
            response.headers.get("trace-id", "-"),
        )
        if response.status_code == 429:
            if self._gate is not None:
                self._gate.block(max(self._policy.rate_limit_backoff, _retry_after(response) or 0.0))
            raise error_from_response(response, secrets=secrets)
        if response.status_code >= 500:
            raise error_from_response(response, secrets=secrets)
        return response

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, AllegroRateLimited):
            return self._gate is not None
        return isinstance(exc, AllegroServerError)

    def _stop(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        limit = (
            self._policy.rate_limit_attempts if isinstance(exc, AllegroRateLimited) else self._policy.attempts
        )
        return state.attempt_number >= limit

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, AllegroRateLimited):
            return 0.0  # the gate does the waiting, for every request of the client at once
        return float(self._backoff(state))

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        delay = state.next_action.sleep if state.next_action else 0.0
        if isinstance(exc, AllegroRateLimited) and self._gate is not None:
            delay = self._gate.remaining
        logger.warning("allegro: %s; try %d in %.2fs", exc, state.attempt_number + 1, delay)


def _target(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii", "replace")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def retry_after(response: httpx.Response, default: float) -> float:
    """The answer's ``Retry-After`` in seconds, or ``default`` when absent or not a number."""
    value = _retry_after(response)
    return default if value is None else value


def error_from_response(
    response: httpx.Response,
    cls: type[AllegroError] | None = None,
    *,
    secrets: Sequence[str] = (),
    message: str | None = None,
) -> AllegroError:
    """The exception for an unwanted answer, with Allegro's codes and messages (credentials removed).

    The class follows the status unless ``cls`` is given; ``message`` replaces Allegro's messages.
    """
    codes, messages, errors = _error_details(response.content)
    text = message or "; ".join(messages) or response.reason_phrase or f"HTTP {response.status_code}"
    return (cls or error_class_for_status(response.status_code))(
        text,
        status=response.status_code,
        method=response.request.method,
        path=response.request.url.path,
        trace_id=response.headers.get("trace-id"),
        codes=codes,
        errors=errors,
        secrets=secrets,
    )


def _error_details(body: bytes) -> tuple[list[str], list[str], list[ApiError]]:
    try:
        data: Any = json.loads(body) if body else None
    except ValueError:
        return [], [], []
    if not isinstance(data, dict):
        return [], [], []
    try:
        if "errors" in data:
            errors = ErrorsHolder.model_validate(data).errors
            codes = [error.code for error in errors if error.code]
            messages = [text for error in errors if (text := error.message or error.user_message)]
            return codes, messages, errors
        if "error" in data:
            oauth = AuthErrorBody.model_validate(data)
            return [oauth.error], [oauth.error_description or oauth.error], []
    except ValidationError:
        pass
    return [], [], []


def oauth_error_code(response: httpx.Response) -> str | None:
    """The ``error`` field of an OAuth-style body (token endpoint, API 401s), if there is one."""
    codes, _, errors = _error_details(response.content)
    return codes[0] if codes and not errors else None


def decode(model: type[M], response: httpx.Response, *, secrets: Sequence[str] = ()) -> M:
    """The body as ``model``; `AllegroProtocolError` (without echoing the body) when it is not one."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        problems = exc.errors(include_input=False, include_url=False)
        if any(problem["type"] == "json_invalid" for problem in problems):
            reason = "the answer is not JSON"
        else:
            details = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc']) or '<body>'}: {problem['msg']}"
                for problem in problems[:3]
            )
            reason = f"the answer is not a valid {model.__name__} ({details})"
        raise error_from_response(response, AllegroProtocolError, secrets=secrets, message=reason) from None
