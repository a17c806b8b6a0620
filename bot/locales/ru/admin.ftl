### Администрирование: пользователи и склады.

admin-command = Пользователи и склады (для администраторов)
admin-menu = ⚙️ <b>Администрирование</b>
    Чем управлять?
admin-btn-users = 👥 Пользователи
admin-btn-warehouses = 🏬 Склады
admin-btn-back = ‹ Назад

admin-users-title = 👥 <b>Пользователи</b>
admin-unnamed = пользователь { $telegram_id }
admin-role-admin = администратор
admin-role-staff = сотрудник
admin-status-active = активен
admin-status-inactive = отключён
admin-user-card = 👤 <b>{ $name }</b>
    Id в Telegram: <code>{ $telegram_id }</code>
    Роль: { $role }
    Статус: { $status }
admin-btn-add-user = ➕ Добавить пользователя
admin-btn-make-admin = ⬆️ Сделать администратором
admin-btn-make-staff = ⬇️ Сделать сотрудником
admin-btn-deactivate = ⛔ Отключить
admin-btn-activate = ✅ Включить
admin-role-changed = { $name }: теперь роль — { $role }.
admin-deactivated = { $name } больше не может пользоваться ботом.
admin-activated = { $name } снова может пользоваться ботом.

admin-ask-user = Отправьте числовой id человека в Telegram или перешлите мне любое его сообщение.
    (Свой id человек увидит, если напишет этому боту.)
admin-forward-hidden = { $name } скрывает свой аккаунт в пересланных сообщениях, поэтому Telegram не показывает мне id.
    Попросите человека написать этому боту: бот ответит его id. Затем отправьте мне это число.
admin-forward-not-person = Это сообщение переслано из чата или канала, а не от человека. Перешлите сообщение, написанное этим человеком, или отправьте его id.
admin-forward-bot = Это бот: боты не могут пользоваться этим ботом. Перешлите сообщение от человека или отправьте его id.
admin-bad-id = «{ $text }» — это не id в Telegram. Отправьте только цифры (например, 123456789) или перешлите сообщение от этого человека.
admin-pick-role = Добавить { $name } (<code>{ $telegram_id }</code>) как:
admin-known-user = Уже известен: { $role }, { $status }. Выбранная роль заменит текущую.
admin-btn-role-staff = 👷 Сотрудник
admin-btn-role-admin = 🛠 Администратор
admin-user-added = ✅ { $name } (<code>{ $telegram_id }</code>) теперь может пользоваться ботом, роль — { $role }.

admin-warehouses-title = 🏬 <b>Склады</b>
admin-no-warehouses = Складов пока нет.
admin-btn-add-warehouse = ➕ Добавить склад
admin-warehouse-deactivated = Склад { $code } отключён: на него нельзя принимать и перемещать товар.
admin-warehouse-activated = Склад { $code } снова активен.
admin-ask-warehouse-code = Отправьте код нового склада: 1–16 латинских букв, цифр, «-» или «_» (например, WH2).
admin-ask-warehouse-name = Теперь отправьте название склада { $code } (например, Основной зал).
admin-warehouse-added = ✅ Склад { $code } — { $name } добавлен.

error-last_admin = Это последний активный администратор. Сначала назначьте администратором кого-то ещё.
error-telegram_id = { $value } — это не id пользователя Telegram.
error-warehouse_code = Код склада «{ $value }» не подходит: используйте 1–16 латинских букв, цифр, «-» или «_».
error-warehouse_name = У склада должно быть название длиной от 1 до 128 символов.
error-warehouse_taken = Склад { $value } уже существует.
