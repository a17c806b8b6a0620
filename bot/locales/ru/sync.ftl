### /sync: полная сверка каналов сейчас, с прогрессом в реальном времени и отчётом.

sync-command = Сверить каналы сейчас (администраторы)
sync-choose = 🔄 Что сверить со складом сейчас?
sync-btn-all = Все каналы
sync-no-channels = Ни один аккаунт канала не подключён, сверять нечего.
sync-running-already = ⏳ Сверка уже идёт. Её прогресс:
sync-progress-title = 🔄 <b>Сверка</b> (начата { $started })
sync-target-waiting = ⌛ { $account } — в очереди
sync-target-starting = ⏳ { $account } — запускается…
sync-target-running = ⏳ { $account } — { $done } / { $total }
sync-target-done = ✅ { $account } — проверено { $checked }, обновлено { $updated }, без изменений { $unchanged }, отсутствует { $missing }, ошибок { $failed }
sync-target-failed = ❌ { $account } — { $error }
sync-report-title = ✅ <b>Сверка завершена</b> за { $seconds } с
sync-report-problems = ⚠️ <b>Сверка завершена с проблемами</b> за { $seconds } с
sync-report-totals = Проверено: { $checked } · обновлено: { $updated } · без изменений: { $unchanged } · нет в канале: { $missing } · ошибок: { $failed }
sync-btn-problems = Проблемные SKU ({ $count })
sync-problems-title = <b>Проблемные SKU</b>
sync-problem-line = • { $account } — <code>{ $sku }</code>: { $reason }
sync-report-gone = Этот отчёт больше не хранится. Запустите /sync ещё раз.
