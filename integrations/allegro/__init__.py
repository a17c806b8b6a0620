"""Allegro REST API: hosts, OAuth (device flow, refresh), token management and the API client."""

from integrations.allegro.auth import AllegroOAuth, DevicePoll
from integrations.allegro.client import AllegroClient
from integrations.allegro.errors import (
    AllegroAuthError,
    AllegroBadRequest,
    AllegroConflict,
    AllegroError,
    AllegroForbidden,
    AllegroInvalidGrant,
    AllegroNotFound,
    AllegroProtocolError,
    AllegroRateLimited,
    AllegroServerError,
    AllegroTimeout,
    DeviceFlowDenied,
    DeviceFlowError,
    DeviceFlowExpired,
)
from integrations.allegro.hosts import AllegroHosts, resolve_hosts
from integrations.allegro.models import DeviceCode, TokenPair
from integrations.allegro.tokens import TokenManager, TokenStore
from integrations.allegro.transport import RateLimitGate, RetryPolicy

__all__ = [
    "AllegroAuthError",
    "AllegroBadRequest",
    "AllegroClient",
    "AllegroConflict",
    "AllegroError",
    "AllegroForbidden",
    "AllegroHosts",
    "AllegroInvalidGrant",
    "AllegroNotFound",
    "AllegroOAuth",
    "AllegroProtocolError",
    "AllegroRateLimited",
    "AllegroServerError",
    "AllegroTimeout",
    "DeviceCode",
    "DeviceFlowDenied",
    "DeviceFlowError",
    "DeviceFlowExpired",
    "DevicePoll",
    "RateLimitGate",
    "RetryPolicy",
    "TokenManager",
    "TokenPair",
    "TokenStore",
    "resolve_hosts",
]
