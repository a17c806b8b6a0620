"""Admin screens through the real bot: users (add by id / forward, roles, deactivate) and warehouses."""

from __future__ import annotations

import pytest

from bot.routers.admin import AdminAction, AdminCb
from domain.models import Role, User, Warehouse
from domain.people import Users, Warehouses
from tests.e2e.conftest import ADMIN_ID, STAFF_ID, BotHarness
from tests.e2e.test_stock_flows import forged_button
from tests.fakes.telegram import BotMessage

NOT_ALLOWED = "Not allowed for your role."


async def person(harness: BotHarness, telegram_id: int) -> User | None:
    async with harness.db.transaction() as session:
        return await Users(session).by_telegram_id(telegram_id)


async def warehouse(harness: BotHarness, code: str) -> Warehouse | None:
    async with harness.db.transaction() as session:
        return await Warehouses(session).by_code(code)


async def open_user(harness: BotHarness, label: str) -> BotMessage:
    users = await harness.admin.command("users")
    return await harness.admin.tap(users, label)


async def test_menu_lists_users_and_warehouses(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH1", "Main hall")
    menu = await bot_app.admin.command("admin")
    assert "Administration" in (menu.text or "")
    users = await bot_app.admin.tap(menu, "Users")
    assert users.message_id == menu.message_id
    assert f"Stan Staff ({STAFF_ID}) — staff" in (users.text or "")
    assert f"Ada ({ADMIN_ID}) — admin" in (users.text or "")  # named after their Telegram profile
    back = await bot_app.admin.tap(users, "Back")
    warehouses = await bot_app.admin.tap(back, "Warehouses")
    assert "WH1 — Main hall" in (warehouses.text or "")


async def test_add_user_by_id(bot_app: BotHarness) -> None:
    users = await bot_app.admin.command("users")
    prompt = await bot_app.admin.tap(users, "Add a user")
    assert "numeric Telegram id" in (prompt.text or "")
    refusal = await bot_app.admin.say("anna")
    assert (refusal.text or "").startswith("“anna” is not a Telegram id. Send digits only")
    pick = await bot_app.admin.say("123456789")
    assert pick.text == "Add 123456789 (123456789) as:"
    done = await bot_app.admin.tap(pick, "Staff")
    assert done.text == "✅ user 123456789 (123456789) can use the bot now as staff."
    card = await bot_app.admin.next_message()
    assert "Role: staff" in (card.text or "") and "Status: active" in (card.text or "")
    added = await person(bot_app, 123456789)
    assert added is not None and added.role is Role.STAFF and added.active
    newcomer = bot_app.fake.user("Nell", id=123456789)
    welcome = await newcomer.command("start")
    assert "Nell" in (welcome.text or "")


async def test_add_user_by_forwarded_message(bot_app: BotHarness) -> None:
    nina = bot_app.fake.user("Nina", last_name="Nowak")
    await bot_app.admin.tap(await bot_app.admin.command("users"), "Add a user")
    pick = await bot_app.admin.forward_from(nina, "hello from Nina")
    assert pick.text == f"Add Nina Nowak ({nina.id}) as:"
    await bot_app.admin.tap(pick, "Admin")
    added = await person(bot_app, nina.id)
    assert added is not None and added.role is Role.ADMIN and added.display_name == "Nina Nowak"


async def test_forward_from_a_hidden_account_asks_for_the_id(bot_app: BotHarness) -> None:
    hidden = bot_app.fake.user("Hidden")
    await bot_app.admin.tap(await bot_app.admin.command("users"), "Add a user")
    explanation = await bot_app.admin.forward_from(hidden, hidden=True)
    assert "Hidden hides their account in forwarded messages" in (explanation.text or "")
    assert "send me that number" in (explanation.text or "")
    pick = await bot_app.admin.say(str(hidden.id))
    await bot_app.admin.tap(pick, "Staff")
    assert (await person(bot_app, hidden.id)) is not None


async def test_adding_a_known_user_says_so(bot_app: BotHarness) -> None:
    await bot_app.admin.tap(await bot_app.admin.command("users"), "Add a user")
    pick = await bot_app.admin.say(str(STAFF_ID))
    assert "Already known: staff, active." in (pick.text or "")
    await bot_app.admin.tap(pick, "Admin")
    promoted = await person(bot_app, STAFF_ID)
    assert promoted is not None and promoted.role is Role.ADMIN


async def test_role_change_and_last_admin_refusal(bot_app: BotHarness) -> None:
    own = await open_user(bot_app, "Ada")
    answer = await bot_app.admin.tap_answer(own, "Make staff")
    assert answer["text"] == "This is the last active admin. Make someone else an admin first."
    assert (await person(bot_app, ADMIN_ID)).role is Role.ADMIN  # type: ignore[union-attr]

    stan = await open_user(bot_app, "Stan")
    promoted = await bot_app.admin.tap(stan, "Make admin")
    assert "Role: admin" in (promoted.text or "")
    assert (await person(bot_app, STAFF_ID)).role is Role.ADMIN  # type: ignore[union-attr]
    own = await open_user(bot_app, "Ada")
    demoted = await bot_app.admin.tap(own, "Make staff")
    assert "Role: staff" in (demoted.text or "")
    assert (await person(bot_app, ADMIN_ID)).role is Role.STAFF  # type: ignore[union-attr]


async def test_deactivate_and_activate_a_user(bot_app: BotHarness) -> None:
    stan = await open_user(bot_app, "Stan")
    deactivated = await bot_app.admin.tap(stan, "Deactivate")
    assert "Status: deactivated" in (deactivated.text or "")
    assert deactivated.button_texts[0] == ["✅ Activate"]
    assert not (await person(bot_app, STAFF_ID)).active  # type: ignore[union-attr]
    locked_out = await bot_app.staff.say("anything")
    assert str(STAFF_ID) in (locked_out.text or "") and "administrator" in (locked_out.text or "")
    reactivated = await bot_app.admin.tap(deactivated, "Activate")
    assert "Status: active" in (reactivated.text or "")
    assert (await person(bot_app, STAFF_ID)).active  # type: ignore[union-attr]


async def test_the_last_admin_cannot_be_deactivated(bot_app: BotHarness) -> None:
    own = await open_user(bot_app, "Ada")
    answer = await bot_app.admin.tap_answer(own, "Deactivate")
    assert "last active admin" in answer["text"]
    assert (await person(bot_app, ADMIN_ID)).active  # type: ignore[union-attr]


async def test_add_deactivate_and_activate_a_warehouse(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH1")
    warehouses = await bot_app.admin.command("warehouses")
    prompt = await bot_app.admin.tap(warehouses, "Add a warehouse")
    assert "code of the new warehouse" in (prompt.text or "")
    bad = await bot_app.admin.say("back room!")
    assert "is not valid" in (bad.text or "")
    taken = await bot_app.admin.say("wh1")
    assert taken.text == "Warehouse WH1 already exists."
    ask_name = await bot_app.admin.say("wh9")
    assert "name of WH9" in (ask_name.text or "")
    added = await bot_app.admin.say("Back <room>")
    assert added.text == "✅ Warehouse WH9 — Back <room> added."
    listing = await bot_app.admin.next_message()
    assert "WH9 — Back <room>" in (listing.text or "")
    assert (await warehouse(bot_app, "WH9")) is not None

    deactivated = await bot_app.admin.tap(listing, "⛔ WH9")
    assert "WH9 — Back <room> (deactivated)" in (deactivated.text or "")
    assert not (await warehouse(bot_app, "WH9")).active  # type: ignore[union-attr]
    activated = await bot_app.admin.tap(deactivated, "✅ WH9")
    assert "(deactivated)" not in (activated.text or "")
    assert (await warehouse(bot_app, "WH9")).active  # type: ignore[union-attr]


async def test_a_deactivated_warehouse_is_not_offered_for_receipts(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("WH2")
    await bot_app.add_product("OFF-1", "Mug", stock={"WH1": 1})
    listing = await bot_app.admin.command("warehouses")
    await bot_app.admin.tap(listing, "⛔ WH2")
    card = await bot_app.staff.say("OFF-1")
    prompt = await bot_app.staff.tap(card, "Receive")
    assert prompt.button_texts[0] == ["WH1 · 1 on hand"]


async def test_staff_is_refused_admin_commands(bot_app: BotHarness) -> None:
    for command in ("admin", "users", "warehouses"):
        assert (await bot_app.staff.command(command)).text == NOT_ALLOWED


@pytest.mark.parametrize(
    "forged",
    [
        AdminCb(action=AdminAction.ROLE, target=STAFF_ID, role=Role.ADMIN),
        AdminCb(action=AdminAction.DEACTIVATE, target=ADMIN_ID),
        AdminCb(action=AdminAction.ADD_USER),
        AdminCb(action=AdminAction.USERS),
        AdminCb(action=AdminAction.WAREHOUSE_OFF, target=1),
    ],
    ids=lambda cb: cb.action.name.lower(),
)
async def test_staff_forged_admin_buttons_change_nothing(bot_app: BotHarness, forged: AdminCb) -> None:
    main = await bot_app.add_warehouse("WH1")
    data = (
        forged.model_copy(update={"target": main.id})
        if forged.action is AdminAction.WAREHOUSE_OFF
        else forged
    )
    message = await forged_button(bot_app, bot_app.staff, data.pack())
    answer = await bot_app.staff.tap_answer(message, "forged")
    assert answer["text"] == NOT_ALLOWED
    staff, admin = await person(bot_app, STAFF_ID), await person(bot_app, ADMIN_ID)
    assert staff is not None and staff.role is Role.STAFF and staff.active
    assert admin is not None and admin.role is Role.ADMIN and admin.active
    assert (await warehouse(bot_app, "WH1")).active  # type: ignore[union-attr]
    follow_up = await bot_app.staff.say("12345")  # no admin flow was started
    assert "Add" not in (follow_up.text or "")
