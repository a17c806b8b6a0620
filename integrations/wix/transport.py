"""One Wix site over HTTP: auth headers, the rate limiter, retries with backoff, typed errors.

Retry rules (tenacity, exponential backoff with jitter):
- 429 and connection failures are always retried: Wix did not act on the request.
- 5xx, timeouts, dropped connections are retried only for idempotent requests (reads, absolute sets).
  A V1/V3 increment that timed out may have been applied; resending it blindly would count twice, so it
  surfaces as an error and the caller re-reads before it tries again (see `push.py`).
The API key lives in a SecretStr and goes into the Authorization header of each request, nowhere else;
log lines name the method, path, status and time only.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from integrations.wix.errors import (
    WixNetworkError,
    WixProtocolError,
    WixRateLimited,
    WixServerError,
    error_from_response,
)
from integrations.wix.ratelimit import TokenBucket

logger = logging.getLogger("integrations.wix")

DEFAULT_BASE_URL = "https://www.wixapis.com"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5  # including the first
    initial_wait: float = 1.0
    max_wait: float = 30.0
    jitter: float = 1.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")


def _retryable(error: BaseException, *, idempotent: bool) -> bool:
    if isinstance(error, WixRateLimited):
        return True
    if isinstance(error, WixNetworkError):
        return idempotent or not error.maybe_applied
    return idempotent and isinstance(error, WixServerError)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class WixTransport:
    def __init__(
        self,
        *,
        api_key: SecretStr,
        site_id: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limiter: TokenBucket | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._api_key = api_key
        self.site_id = site_id
        self._retry = retry or RetryPolicy()
        self._limiter = limiter
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout)
        self._backoff = wait_exponential_jitter(
            multiplier=self._retry.initial_wait, max=self._retry.max_wait, jitter=self._retry.jitter
        )
        self.requests_made = 0

    def __repr__(self) -> str:
        return f"WixTransport(site_id={self.site_id!r}, base_url={str(self._http.base_url)!r})"

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def request(
        self, method: str, path: str, *, body: dict[str, Any] | None = None, idempotent: bool = True
    ) -> dict[str, Any]:
        """Send one call (with retries) and return the JSON object Wix answered."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._retry.attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda error: _retryable(error, idempotent=idempotent)),
            before_sleep=self._log_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._send(method, path, body)
        raise AssertionError("tenacity returned without a result")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        delay = float(self._backoff(state))
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, WixRateLimited) and error.retry_after:
            delay = max(delay, min(error.retry_after, self._retry.max_wait))
        return delay

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        sleep = state.next_action.sleep if state.next_action else 0.0
        logger.warning("Wix call failed (%s); retry %d in %.2f s", error, state.attempt_number, sleep)

    async def _send(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        if self._limiter is not None:
            await self._limiter.acquire()
        self.requests_made += 1
        headers = {"Authorization": self._api_key.get_secret_value(), "wix-site-id": self.site_id}
        started = time.perf_counter()
        try:
            response = await self._http.request(method, path, json=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise WixNetworkError(
                f"cannot reach Wix ({type(exc).__name__})", maybe_applied=False, method=method, path=path
            ) from None
        except httpx.TransportError as exc:
            raise WixNetworkError(
                f"no answer from Wix ({type(exc).__name__})", maybe_applied=True, method=method, path=path
            ) from None
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug("Wix %s %s -> %d in %.0f ms", method, path, response.status_code, elapsed_ms)
        if not response.is_success:
            raise error_from_response(
                response.status_code,
                response.content,
                method=method,
                path=path,
                retry_after=_retry_after(response),
                scrub=self._api_key.get_secret_value(),
            )
        return self._json(response, method, path)

    @staticmethod
    def _json(response: httpx.Response, method: str, path: str) -> dict[str, Any]:
        try:
            data = json.loads(response.content) if response.content else {}
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise WixProtocolError(
                f"expected a JSON object, got {response.headers.get('content-type', 'no content type')}",
                status=response.status_code,
                method=method,
                path=path,
            )
        return data
