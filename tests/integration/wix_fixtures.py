"""Fixtures of the Wix channel tests, loaded with `pytest_plugins = ("tests.integration.wix_fixtures",)`:
`fake_wix` (every test using it also checks that no request broke Wix's contract), `notifier`, and
`channel` (a `WixChannel` on the `db` fixture, pointed at the fake, without client-side rate limit)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.db import Database
from integrations.wix.channel import WixChannel
from tests.fakes.wix import FakeWix
from tests.integration.wix_support import RecordingNotifier, make_channel


@pytest.fixture
async def fake_wix() -> AsyncIterator[FakeWix]:
    async with FakeWix() as server:
        yield server
        assert server.contract_violations == []


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
async def channel(db: Database, fake_wix: FakeWix, notifier: RecordingNotifier) -> AsyncIterator[WixChannel]:
    wix = make_channel(db, fake_wix, notifier)
    yield wix
    await wix.aclose()
