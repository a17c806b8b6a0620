### Оповещения администраторам (фоновые задачи, остатки, каналы) и /alerts, где каждый отключает виды.

alerts-command = Выбрать, какие оповещения получать (администраторы)
alerts-settings = 🔔 <b>Оповещения</b>
    Нажмите на вид, чтобы отключить или включить его для себя. 🔔 = получаете, 🔕 = отключено.
alerts-kind-job_failed = Сбои фоновых задач и их восстановление
alerts-kind-token_reconnect = Аккаунты, которые нужно подключить заново
alerts-kind-unknown_sku = Заказы с неизвестным SKU
alerts-kind-oversell = Заказы больше остатка
alerts-kind-low_stock = Низкий остаток и нехватка
alerts-kind-push_failed = Остатки, не дошедшие до канала
alerts-kind-digest = Ежедневная сводка
alerts-muted = Отключено: { $kind }
alerts-unmuted = Снова получаете: { $kind }
alerts-btn-retry = 🔁 Повторить сейчас
alerts-btn-reconnect = 🔌 Подключить заново
alerts-retrying = Отправляю остатки ещё раз.

alert-job-failed = ⚠️ <b>{ $target }</b>: задача { $job } завершилась ошибкой.
    { $error }
    Сообщу, когда всё снова заработает; до тех пор больше сообщений об этом не будет.
alert-job-recovered = ✅ <b>{ $target }</b> снова работает (задача { $job }; сбой длился { $minutes } мин).
alert-low-stock = 📉 Мало на складе: <code>{ $sku }</code> { $name } — осталось { $available } (порог { $threshold }).
alert-out-of-stock = 🚫 Нет в наличии: <code>{ $sku }</code> { $name } — продавать больше нечего.
alert-reconnect = 🔌 Напоминание: <b>{ $account }</b> всё ещё нужно подключить заново. До этого заказы не загружаются и остатки туда не отправляются.
alert-summary = 🔕 Ещё { $count } оповещений придержано, чтобы не засыпать чат ({ $kinds }). /status покажет текущее состояние.
alert-digest = 📋 <b>Сводка за { $day }</b>
    <b>Продажи</b> (продано / возвращено, заказы):
    { $sales }
    <b>Нет в наличии</b>: { $stockouts_count } — { $stockouts }
    <b>Мало на складе</b>: { $low_count } — { $low }
    <b>Сбои синхронизации</b>: { $failed_count }
    { $failed }
    <b>Корректировки</b>: { $counts } пересчётов (итого { $count_delta }), { $write_offs } списаний ({ $written_off } шт.)
