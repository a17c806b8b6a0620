### История: по товару и общая, сначала новые.

history-command = История движений и изменений
history-title-all = 🕘 <b>История</b> · все товары
history-title-product = 🕘 <b>История</b> · { $name } (<code>{ $sku }</code>)
history-filter-kind = Показано: { $kind }
history-filter-user = Пользователь: { $user }
history-page = Страница { $page } из { $pages }
history-empty = По этому выбору записей пока нет.

history-kind-all = Все
history-kind-receipts = Приход
history-kind-transfers = Перемещения
history-kind-write-offs = Списания
history-kind-counts = Пересчёты
history-kind-orders = Заказы
history-kind-edits = Правки

history-btn-mine = 👤 Мои
history-btn-everyone = 👥 Все
history-btn-user = 👤 Выбрать пользователя
history-btn-back = ↩️ Назад к истории
history-pick-user = Чью историю показать?

history-type-receipt = Приход
history-type-sale = Продажа
history-type-return = Возврат
history-type-transfer = Перемещение
history-type-write-off = Списание
history-type-count = Пересчёт
history-type-reserve = Резерв под заказ
history-type-release = Снятие резерва
history-type-product-create = Товар создан
history-type-product-edit = Товар изменён
history-type-product-archive = Товар в архиве
history-type-product-restore = Товар восстановлен

history-warehouse = Склад: { $where }
history-who = 👤 { $who }
history-reason = Причина: { $reason }
history-ref = Заказ: <code>{ $ref }</code>
history-actor-system = система
history-actor-cli = командная строка
history-photo = фото #{ $tag }
history-yes = да
history-no = нет

history-field-sku = SKU
history-field-name = Название
history-field-eans = EAN
history-field-photo = Фото
history-field-on-hand = В наличии
