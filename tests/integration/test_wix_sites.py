"""Wix sites: adding one (the key is checked with Wix), the environment bootstrap, keys kept secret;
disabling, enabling and removing one."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from domain.db import Database
from domain.errors import NotFoundError, ValidationError
from domain.models import AccountState, WixAccount, WixProductMapping
from integrations.wix.channel import WixChannel
from integrations.wix.models import CatalogVersion
from integrations.wix.sites import (
    Removal,
    find_site_id,
    load_site,
    overviews,
    removal,
    remove_site,
    set_site_state,
)
from tests.fakes import wix as endpoints
from tests.fakes.wix import FakeWix
from tests.fakes.wix_store import V1_CATALOG, V3_CATALOG
from tests.integration.wix_support import (
    available,
    connect,
    order_lines,
    outbox,
    seed_products,
    sync_runs,
    write_off,
)

pytest_plugins = ("tests.integration.wix_fixtures",)


async def _rows(db: Database) -> list[WixAccount]:
    async with db.sessions() as session:
        return list(await session.scalars(select(WixAccount).order_by(WixAccount.name)))


async def test_add_site_checks_the_key_and_remembers_the_catalog_version(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    v1 = fake_wix.add_site(catalog_version=V1_CATALOG)
    v3 = fake_wix.add_site(catalog_version=V3_CATALOG)

    first, created = await channel.add_site(" shop ", v1.site_id, f"  {v1.api_key}\n")
    second, _ = await channel.add_site("outlet", v3.site_id, SecretStr(v3.api_key))

    assert created and first.name == "shop" and first.catalog_version is CatalogVersion.V1
    assert second.catalog_version is CatalogVersion.V3
    assert [(row.name, row.catalog_version, row.state) for row in await _rows(db)] == [
        ("outlet", "V3_CATALOG", AccountState.ACTIVE),
        ("shop", "V1_CATALOG", AccountState.ACTIVE),
    ]
    refs = await channel.accounts()
    assert [(ref.channel, ref.name) for ref in refs] == [("wix", "outlet"), ("wix", "shop")]
    # Known from here on: runs do not ask Wix for the version again.
    await channel.pull_orders(first.id)
    assert fake_wix.count(endpoints.VERSION, site=v1) == 1


async def test_add_site_refusals(db: Database, fake_wix: FakeWix, channel: WixChannel) -> None:
    site = fake_wix.add_site()
    other = fake_wix.add_site()
    bare = fake_wix.add_site(catalog_version="STORES_NOT_INSTALLED")

    async def reason(name: str, site_id: str, key: str) -> str:
        with pytest.raises(ValidationError) as refused:
            await channel.add_site(name, site_id, key)
        return refused.value.reason

    assert await reason("shop", site.site_id, "wrong-key") == "wix_key_refused"
    assert await reason("shop", other.site_id, site.api_key) == "wix_key_refused"  # another site's key
    assert await reason("shop", bare.site_id, bare.api_key) == "wix_no_stores"
    assert await reason("bad name!", site.site_id, site.api_key) == "wix_site_name"
    assert await reason("shop", "not/a/site", site.api_key) == "wix_site_id"
    assert await reason("shop", site.site_id, "two words") == "wix_api_key"
    await connect(channel, site, "shop")
    assert await reason("shop", other.site_id, other.api_key) == "wix_site_name_taken"
    assert [row.name for row in await _rows(db)] == ["shop"]


async def test_a_known_site_id_gets_the_new_key(db: Database, fake_wix: FakeWix, channel: WixChannel) -> None:
    site = fake_wix.add_site()
    old_key = site.api_key
    first = await connect(channel, site, "shop")
    site.api_key = f"{old_key}-rotated"

    again, created = await channel.add_site("shop-pl", site.site_id, site.api_key)

    assert not created and again.id == first.id and again.name == "shop-pl"
    assert again.api_key.get_secret_value() == site.api_key
    assert len(await _rows(db)) == 1


async def test_bootstrap_from_the_environment_is_idempotent(
    db: Database, fake_wix: FakeWix, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="integrations")
    caplog.set_level(logging.DEBUG, logger="httpx")
    site = fake_wix.add_site()
    key = SecretStr(site.api_key)

    for _ in range(2):  # two start-ups
        started = WixChannel(db, bootstrap_key=key, bootstrap_site_id=site.site_id)
        await started.accounts()
        await started.accounts()
        await started.aclose()
    rotated = WixChannel(db, bootstrap_key=SecretStr("IST.rotated-key"), bootstrap_site_id=site.site_id)
    await rotated.accounts()
    await rotated.aclose()

    rows = await _rows(db)
    assert [(row.name, row.site_id, row.api_key) for row in rows] == [
        ("default", site.site_id, "IST.rotated-key")
    ]
    assert fake_wix.requests == []  # offline: the version is learned on first use
    assert site.api_key not in caplog.text and "IST.rotated-key" not in caplog.text


async def test_bootstrap_without_both_variables_does_nothing(db: Database) -> None:
    half = WixChannel(db, bootstrap_key=SecretStr("IST.key"), bootstrap_site_id=None)
    assert await half.accounts() == []
    await half.aclose()


async def test_keys_never_show_in_logs_errors_reprs_or_the_overview(
    db: Database, fake_wix: FakeWix, channel: WixChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="integrations")
    caplog.set_level(logging.DEBUG, logger="httpx")
    site = fake_wix.add_site()
    shop = await connect(channel, site)
    site.fail_next(50, status=500)
    with pytest.raises(Exception) as failure:
        await channel.pull_orders(shop.id)
    site.api_key = "IST.revoked-now"  # Wix no longer knows the stored key: 401
    with pytest.raises(Exception) as refused:
        await channel.push_stock(shop.id)

    stored = (await _rows(db))[0].api_key
    loaded = await load_site(db, shop.id)
    async with db.sessions() as session:
        shown = await overviews(session)
    texts = [
        caplog.text,
        str(failure.value),
        repr(failure.value),
        str(refused.value),
        repr(loaded),
        repr(shown),
    ]
    texts.append(str(loaded))
    assert all(stored not in text for text in texts)
    assert shown[0].last_error is not None and "401" in shown[0].last_error


async def test_a_disabled_site_is_left_alone_until_enabled_again(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    await seed_products(db, {"MUG": 5})
    added = await connect(channel, site)
    async with db.transaction() as session:
        disabled = await set_site_state(session, added.id, AccountState.DISABLED)
    site.add_order([("MUG", 2)])
    fake_wix.clear_log()

    pushed = await channel.push_stock(added.id)
    pulled = await channel.pull_orders(added.id)

    assert not disabled.active and fake_wix.requests == []
    assert pushed.notes == pulled.notes == {"disabled": 1}
    assert await order_lines(db, added.id) == []
    async with db.transaction() as session:
        enabled = await set_site_state(session, added.id, AccountState.ACTIVE)
    await channel.pull_orders(added.id)
    assert enabled.active and [line.quantity for line in await order_lines(db, added.id)] == [2]


async def test_removing_a_site_takes_its_mapping_history_and_queue_but_not_stock_or_sales(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    site.add_product("MUG", 5)
    site.add_product("PLATE", 3)
    ids = await seed_products(db, {"MUG": 5, "PLATE": 3})
    added = await connect(channel, site)
    await channel.reconcile(added.id)
    site.add_order([("MUG", 2)])
    await channel.pull_orders(added.id)
    await write_off(db, ids["PLATE"], 1)
    assert await outbox(db, added.id)  # a push this site has not had yet
    levels = {sku: await available(db, product_id) for sku, product_id in ids.items()}
    runs = len(await sync_runs(db, added.id))
    async with db.sessions() as session:
        preview = await removal(session, added.id)

    async with db.transaction() as session:
        gone = await remove_site(session, added.id)

    assert gone == preview == Removal(added.id, "shop", 2, runs) and runs >= 1
    assert await _rows(db) == []
    assert await sync_runs(db, added.id) == [] and await outbox(db, added.id) == {}
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(WixProductMapping)) == 0
        with pytest.raises(NotFoundError):
            await removal(session, added.id)
    assert [line.quantity for line in await order_lines(db, added.id)] == [2]
    assert (
        {sku: await available(db, product_id) for sku, product_id in ids.items()}
        == levels
        == {
            "MUG": 3,
            "PLATE": 2,
        }
    )


async def test_a_site_is_found_by_name_row_id_or_wix_site_id(
    db: Database, fake_wix: FakeWix, channel: WixChannel
) -> None:
    site = fake_wix.add_site()
    added = await connect(channel, site)

    async with db.sessions() as session:
        found = [await find_site_id(session, key) for key in (" shop ", str(added.id), site.site_id)]
        with pytest.raises(NotFoundError):
            await find_site_id(session, "outlet")

    assert found == [added.id] * 3
