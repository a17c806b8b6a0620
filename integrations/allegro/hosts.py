"""Which Allegro hosts to talk to: production, sandbox, or explicit URLs (tests point these at a fake).

The REST API and the OAuth endpoints live on different hosts: ``api.allegro.pl`` serves the API,
``allegro.pl`` serves ``/auth/oauth/*`` and the device-flow verification page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class AllegroHosts:
    api_url: str
    """Base of the REST API, e.g. ``https://api.allegro.pl`` (no trailing slash)."""
    auth_url: str
    """Base of the OAuth host, e.g. ``https://allegro.pl``; endpoints are ``{auth_url}/auth/oauth/...``."""


PRODUCTION = AllegroHosts(api_url="https://api.allegro.pl", auth_url="https://allegro.pl")
SANDBOX = AllegroHosts(
    api_url="https://api.allegro.pl.allegrosandbox.pl", auth_url="https://allegro.pl.allegrosandbox.pl"
)


def resolve_hosts(
    sandbox: bool = False, api_url: str | None = None, auth_url: str | None = None
) -> AllegroHosts:
    """Production or sandbox defaults, each overridden by an explicit URL when one is given."""
    base = SANDBOX if sandbox else PRODUCTION
    return AllegroHosts(
        api_url=_base_url(api_url, "api_url") if api_url else base.api_url,
        auth_url=_base_url(auth_url, "auth_url") if auth_url else base.auth_url,
    )


def _base_url(url: str, name: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"{name} must be an absolute http(s) URL, got {url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"{name} must not carry a query or fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
