"""OAuth on Allegro's web host: the device flow that connects a seller account, and token refresh.

Every call authenticates the application with HTTP Basic ``client_id:client_secret`` and posts a form
to ``{auth_url}/auth/oauth/...``. Typical connect flow (bot or CLI)::

    device = await oauth.start_device_flow()
    show(device.verification_uri_complete, device.formatted_user_code)
    tokens = await oauth.poll_device_flow(device.device_code, interval=device.interval,
                                          expires_in=device.expires_in)
    await token_manager.connect(account_key, tokens)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum

import httpx
from pydantic import SecretStr

from integrations.allegro.errors import (
    AllegroError,
    AllegroInvalidGrant,
    AllegroProtocolError,
    DeviceFlowDenied,
    DeviceFlowExpired,
)
from integrations.allegro.models import DeviceCode, TokenPair, TokenResponse
from integrations.allegro.transport import (
    RetryPolicy,
    Transport,
    decode,
    error_from_response,
    oauth_error_code,
)

logger = logging.getLogger("integrations.allegro")

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_MAX_POLL_INTERVAL = 60.0


class DevicePoll(StrEnum):
    """Why a device-flow poll produced no tokens yet."""

    PENDING = "authorization_pending"
    SLOW_DOWN = "slow_down"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AllegroOAuth:
    """Client of the OAuth endpoints for one registered Allegro application."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        client_id: str,
        client_secret: SecretStr,
        auth_url: str,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._auth_url = auth_url.rstrip("/")
        self._transport = Transport(http, policy=policy or RetryPolicy())
        self._clock = clock

    async def start_device_flow(self, scope: str | Sequence[str] | None = None) -> DeviceCode:
        """Ask for a device code and the user code to show; ``scope`` None means all the app's scopes."""
        form = {"client_id": self._client_id}
        if scope:
            form["scope"] = scope if isinstance(scope, str) else " ".join(scope)
        response = await self._post("/auth/oauth/device", form, secrets=())
        if response.status_code != 200:
            raise self._failure(response, secrets=())
        return decode(DeviceCode, response, secrets=self._secrets())

    async def exchange_device_code(self, device_code: SecretStr) -> TokenPair | DevicePoll:
        """One poll of the token endpoint: the tokens, or why to keep waiting.

        Raises `DeviceFlowDenied` when the user refused and `DeviceFlowExpired` when the code is
        invalid, used or expired.
        """
        code = device_code.get_secret_value()
        response = await self._post(
            "/auth/oauth/token", {"grant_type": DEVICE_CODE_GRANT, "device_code": code}, secrets=(code,)
        )
        if response.status_code == 200:
            return self._pair(response, secrets=(code,))
        error = oauth_error_code(response) if response.status_code == 400 else None
        if error in (DevicePoll.PENDING, DevicePoll.SLOW_DOWN):
            return DevicePoll(error)
        if error == "access_denied":
            raise self._failure(response, DeviceFlowDenied, secrets=(code,))
        if response.status_code == 400:
            # "Invalid device code", expired_token and every other 400: the code cannot be used any more.
            raise self._failure(response, DeviceFlowExpired, secrets=(code,))
        raise self._failure(response, secrets=(code,))

    async def poll_device_flow(
        self,
        device_code: SecretStr,
        *,
        interval: float,
        expires_in: float,
        on_wait: Callable[[DevicePoll, float], Awaitable[None]] | None = None,
    ) -> TokenPair:
        """Poll every ``interval`` seconds until the user approves; ``slow_down`` doubles the interval.

        ``on_wait(reason, next_interval)`` is awaited after every poll that brought no tokens. Raises
        `DeviceFlowDenied`, or `DeviceFlowExpired` once ``expires_in`` seconds have passed.
        """
        if interval <= 0:
            raise ValueError("interval must be positive")
        deadline = time.monotonic() + expires_in
        while True:
            if time.monotonic() + interval > deadline:
                raise DeviceFlowExpired("the device code expired before the user approved access")
            await asyncio.sleep(interval)
            outcome = await self.exchange_device_code(device_code)
            if isinstance(outcome, TokenPair):
                return outcome
            if outcome is DevicePoll.SLOW_DOWN:
                interval = min(interval * 2, max(interval, _MAX_POLL_INTERVAL))
            logger.debug("allegro device flow: %s, next poll in %.2fs", outcome.value, interval)
            if on_wait is not None:
                await on_wait(outcome, interval)

    async def refresh(self, refresh_token: SecretStr) -> TokenPair:
        """Trade a refresh token for a new pair; the old refresh token dies 60 s after its first use.

        Raises `AllegroInvalidGrant` when Allegro no longer accepts the refresh token.
        """
        token = refresh_token.get_secret_value()
        response = await self._post(
            "/auth/oauth/token", {"grant_type": "refresh_token", "refresh_token": token}, secrets=(token,)
        )
        if response.status_code == 200:
            return self._pair(response, secrets=(token,))
        if response.status_code == 400 and oauth_error_code(response) == "invalid_grant":
            raise self._failure(response, AllegroInvalidGrant, secrets=(token,))
        raise self._failure(response, secrets=(token,))

    async def _post(self, path: str, form: dict[str, str], *, secrets: Sequence[str]) -> httpx.Response:
        return await self._transport.send(
            "POST",
            self._auth_url + path,
            data=form,
            headers={"Accept": "application/json"},
            auth=httpx.BasicAuth(self._client_id, self._client_secret.get_secret_value()),
            secrets=(*secrets, *self._secrets()),
        )

    def _pair(self, response: httpx.Response, *, secrets: Sequence[str]) -> TokenPair:
        body = decode(TokenResponse, response, secrets=(*secrets, *self._secrets()))
        if body.refresh_token is None:
            raise self._failure(
                response, AllegroProtocolError, secrets=secrets, message="the answer carries no refresh token"
            )
        return TokenPair.from_response(body, now=self._clock())

    def _failure(
        self,
        response: httpx.Response,
        cls: type[AllegroError] | None = None,
        *,
        secrets: Sequence[str],
        message: str | None = None,
    ) -> AllegroError:
        return error_from_response(response, cls, secrets=(*secrets, *self._secrets()), message=message)

    def _secrets(self) -> tuple[str]:
        return (self._client_secret.get_secret_value(),)
