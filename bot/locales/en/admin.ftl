### Administration: users and warehouses.

admin-command = Users and warehouses (admins)
admin-menu = ⚙️ <b>Administration</b>
    What do you want to manage?
admin-btn-users = 👥 Users
admin-btn-warehouses = 🏬 Warehouses
admin-btn-back = ‹ Back

admin-users-title = 👥 <b>Users</b>
admin-unnamed = user { $telegram_id }
admin-role-admin = admin
admin-role-staff = staff
admin-status-active = active
admin-status-inactive = deactivated
admin-user-card = 👤 <b>{ $name }</b>
    Telegram id: <code>{ $telegram_id }</code>
    Role: { $role }
    Status: { $status }
admin-btn-add-user = ➕ Add a user
admin-btn-make-admin = ⬆️ Make admin
admin-btn-make-staff = ⬇️ Make staff
admin-btn-deactivate = ⛔ Deactivate
admin-btn-activate = ✅ Activate
admin-role-changed = { $name } is now { $role }.
admin-deactivated = { $name } can no longer use the bot.
admin-activated = { $name } can use the bot again.

admin-ask-user = Send the person's numeric Telegram id, or forward me any message they wrote.
    (They see their id when they write to this bot.)
admin-forward-hidden = { $name } hides their account in forwarded messages, so Telegram does not show me their id.
    Ask them to write to this bot: it answers with their id. Then send me that number.
admin-forward-not-person = This message was forwarded from a chat or a channel, not from a person. Forward a message the person wrote, or send their id.
admin-forward-bot = That is a bot: bots cannot use this bot. Forward a message from a person, or send their id.
admin-bad-id = “{ $text }” is not a Telegram id. Send digits only (like 123456789), or forward a message from the person.
admin-pick-role = Add { $name } (<code>{ $telegram_id }</code>) as:
admin-known-user = Already known: { $role }, { $status }. The role you pick replaces the current one.
admin-btn-role-staff = 👷 Staff
admin-btn-role-admin = 🛠 Admin
admin-user-added = ✅ { $name } (<code>{ $telegram_id }</code>) can use the bot now as { $role }.

admin-warehouses-title = 🏬 <b>Warehouses</b>
admin-no-warehouses = No warehouses yet.
admin-btn-add-warehouse = ➕ Add a warehouse
admin-warehouse-deactivated = { $code } is deactivated: nothing can be received into it or moved to it.
admin-warehouse-activated = { $code } is active again.
admin-ask-warehouse-code = Send the code of the new warehouse: 1–16 letters, digits, “-” or “_” (like WH2).
admin-ask-warehouse-name = Now send the name of { $code } (like Main hall).
admin-warehouse-added = ✅ Warehouse { $code } — { $name } added.

error-last_admin = This is the last active admin. Make someone else an admin first.
error-telegram_id = { $value } is not a Telegram user id.
error-warehouse_code = Warehouse code “{ $value }” is not valid: use 1–16 letters, digits, “-” or “_”.
error-warehouse_name = A warehouse needs a name of 1–128 characters.
error-warehouse_taken = Warehouse { $value } already exists.
