### Движения товара: приход, перемещение, списание, пересчёт.

stock-title-receive = 📥 <b>Приход</b> · { $name } (<code>{ $sku }</code>)
stock-title-transfer = 🔀 <b>Перемещение</b> · { $name } (<code>{ $sku }</code>)
stock-title-write-off = 🗑 <b>Списание</b> · { $name } (<code>{ $sku }</code>)
stock-title-count = 🧮 <b>Пересчёт</b> · { $name } (<code>{ $sku }</code>)

stock-pick-warehouse = На какой склад?
stock-pick-source = С какого склада? Сейчас доступно:
stock-pick-target = { $from } → на какой склад?
stock-option-on-hand = { $code } · в наличии { $on_hand }
stock-option-available = { $code } · доступно { $available }

stock-no-warehouses = Активных складов пока нет. Администратор добавит склад командой /warehouses.
stock-nothing-available = Этого товара нет в наличии ни на одном складе.
stock-no-target = Нет другого активного склада, куда его можно переместить.

stock-ask-receive = Сколько штук пришло на { $warehouse }? Сейчас в наличии: { $on_hand }.
    Отправьте число.
stock-ask-transfer = Сколько штук переместить с { $from } на { $to }? Не больше { $available }.
    Отправьте число.
stock-ask-write-off = Сколько штук списать на { $warehouse }? Не больше { $available }.
    Отправьте число.
stock-ask-count = Сколько штук на самом деле на { $warehouse }? По учёту: { $on_hand } в наличии, { $reserved } в резерве под заказы.
    Отправьте посчитанное число (0 тоже можно).

stock-bad-quantity = «{ $text }» — это не количество. Отправьте целое число от 1 до { $max }.
stock-bad-count = «{ $text }» — это не результат пересчёта. Отправьте целое число от 0 до { $max }.
stock-too-many = На { $warehouse } доступно только { $available }. Отправьте число не больше { $available }.
stock-below-reserved = На { $warehouse } { $reserved } шт. зарезервировано под заказы, поэтому результат не может быть меньше { $reserved }. Пересчитайте и отправьте число.

stock-pick-reason = Причина списания?
stock-reason-damaged = Повреждение
stock-reason-lost = Утеря
stock-reason-expired = Истёк срок
stock-reason-defective = Брак
stock-reason-internal-use = Для своих нужд
stock-reason-other = Другое

stock-confirm-receive = Принять <b>{ $quantity }</b> на { $warehouse }?
    В наличии: { $before } → { $after }.
stock-confirm-transfer = Переместить <b>{ $quantity }</b> с { $from } на { $to }?
stock-confirm-write-off = Списать <b>{ $quantity }</b> на { $warehouse }, причина: { $reason }?
    В наличии: { $before } → { $after }.
stock-confirm-count = Сохранить пересчёт для { $warehouse }?
    В наличии: { $before } → { $after } (<b>{ $delta }</b>).

stock-done-receive = ✅ Принято { $quantity } на { $warehouse }.
stock-done-transfer = ✅ Перемещено { $quantity } с { $from } на { $to }.
stock-done-write-off = ✅ Списано { $quantity } на { $warehouse } ({ $reason }).
stock-done-count = ✅ Пересчёт сохранён для { $warehouse }: { $before } → { $after } ({ $delta }).

stock-archived-meanwhile = Товар тем временем отправили в архив, поэтому двигать его остатки нельзя. Ничего не сохранено.
stock-changed-meanwhile = Остатки тем временем изменились. { $problem }
stock-warehouse-gone = Склад { $warehouse } больше не активен. Начните заново с карточки товара.

error-transfer_same_warehouse = Для перемещения нужны два разных склада.
error-write_off_reason = Для списания нужна причина.
error-count_invalid = «{ $value }» — неверный результат пересчёта.
