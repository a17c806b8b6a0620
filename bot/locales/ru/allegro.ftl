# Аккаунты Allegro (/allegro) и оповещения канала Allegro.

allegro-command = Аккаунты Allegro
allegro-not-configured = Allegro не настроен: задайте ALLEGRO_CLIENT_ID и ALLEGRO_CLIENT_SECRET и перезапустите бота.

allegro-accounts-title = <b>Аккаунты Allegro</b>
allegro-accounts-empty = Пока не подключено ни одного аккаунта Allegro.
allegro-account-line = • <b>{ $name }</b> — { $state } · заказы прочитаны до { $tracker } · связанных предложений: { $offers }
allegro-state-active = активен
allegro-state-needs_reconnect = ⚠️ нужно подключить заново
allegro-state-disabled = отключён
allegro-tracker-oldest = самого старого события
allegro-tracker-none = ещё не начато
allegro-priority-all = все склады, по номеру
allegro-account = <b>{ $name }</b> (продавец { $seller })
    Состояние: { $state }
    Заказы прочитаны до события: { $tracker }
    Проданный товар списывается со складов: { $priority }
    Связанных предложений: { $offers }
allegro-account-error = Последняя ошибка: { $error }

allegro-btn-connect = ➕ Подключить аккаунт Allegro
allegro-btn-reconnect = 🔑 Подключить заново
allegro-btn-priority = 🏬 Склады
allegro-btn-backfill = ⏪ Прочитать заказы заново
allegro-btn-offers = 🔗 Проверить предложения

allegro-connect-asking = Запрашиваю код у Allegro…
allegro-connect-open = 1. Откройте { $link }
    2. Войдите как продавец и подтвердите код <b>{ $code }</b>.
    Жду подтверждения…
allegro-connect-slow = Allegro просит проверять реже: следующая проверка через { $seconds } с.
allegro-connect-done = ✅ Подключено как <b>{ $login }</b> (аккаунт { $name }). С этого момента читаются новые заказы.
allegro-connect-denied = ❌ Доступ отклонён на странице Allegro. Ничего не подключено.
allegro-connect-expired = ⌛ Код истёк до подтверждения. Нажмите кнопку ещё раз, чтобы получить новый.
allegro-connect-mismatch = ❌ Подтверждение пришло от пользователя Allegro { $login }, а это аккаунт { $account }. Войдите в Allegro как этот продавец и попробуйте снова.
allegro-connect-failed = ❌ Allegro ответил неожиданно: { $error }
allegro-connect-cancelled = Подключение отменено.

allegro-task-failed = ❌ Что-то пошло не так на нашей стороне; подробности в журнале. Попробуйте ещё раз.

allegro-offers-running = Проверяю предложения аккаунта { $name }…
allegro-offers-report = Из { $offers } предложений { $linked } связаны с товарами по SKU; товаров без предложения: { $missing }.
allegro-offers-problems = Стоит проверить:
allegro-offers-more = … и ещё { $count }.

allegro-priority-ask = Отправьте коды складов, с которых списывается товар, проданный на <b>{ $name }</b>, по порядку, например <code>MAIN SHOP</code>. Не названные склады идут после них.
    Сейчас: { $priority }
allegro-priority-saved = { $name } теперь списывает проданный товар со складов: { $priority }.

allegro-backfill-ask = За сколько дней назад заново прочитать заказы <b>{ $name }</b> (1–{ $max })? Уже применённые позиции заказов не изменятся.
allegro-backfill-bad = Отправьте целое число от 1 до { $max }.
allegro-backfill-running = Ищу первое событие заказов за последние { $days } дн.…
allegro-backfill-done = Готово: следующий запуск прочитает заказы за последние { $days } дн.
allegro-backfill-failed = ❌ Не удалось прочитать заказы заново: { $error }
allegro-job-waiting = ⏳ Заказы этого аккаунта сейчас читаются в фоне; начну, как только это закончится…
allegro-job-running = ⏳ Заказы этого аккаунта всё ещё читаются в фоне: попробуйте ещё раз через минуту.

error-allegro_unknown_warehouse = Склада { $code } нет.

alert-allegro-reconnect = 🔑 Аккаунт Allegro { $account } нужно подключить заново: Allegro больше не принимает его токен. Его заказы и остатки приостановлены, остальные аккаунты работают. Откройте /allegro и выберите «Подключить заново».
alert-allegro-unknown-sku = ❓ Allegro ({ $account }) продал SKU { $sku } (предложение { $offer } «{ $offer_name }», заказ { $order }), но ни у одного товара нет этого SKU. Продажа будет учтена, как только товар его получит.
alert-allegro-no-sku = ❓ Allegro ({ $account }) продал предложение { $offer } «{ $offer_name }» (заказ { $order }), у которого нет SKU (external id). Заполните его в Allegro — тогда продажа будет учтена.
alert-allegro-oversell = ⚠️ Перепродажа на Allegro ({ $account }): заказу { $order } нужно { $quantity } × { $sku }, { $shortage } шт. не было в наличии.
alert-allegro-push-failed = ⚠️ Allegro ({ $account }) не принял остатки { $count } товаров: { $skus }. Первая причина: { $error }. Они будут отправлены повторно.
