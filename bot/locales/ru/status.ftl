### /status: фоновые задачи, аккаунты каналов и изменения остатков, ждущие отправки.

status-command = Фоновые задачи и каналы (администраторы)
status-title = 📊 <b>Состояние</b>
status-single-instance = SQLite: фоновые задачи выполняет этот единственный экземпляр.
status-leader-here = Этот экземпляр держит блокировку PostgreSQL и выполняет фоновые задачи.
status-leader-elsewhere = Блокировку PostgreSQL держит другой экземпляр, он и выполняет фоновые задачи; время следующих запусков знает он.
status-jobs = <b>Задачи</b>
status-no-jobs = Ни одна задача ещё не запускалась.
status-never = никогда
status-job-never = ещё не запускалась
status-job-last = последний запуск { $at }
status-job-counts = просмотрено { $processed }, изменено { $changed }, ошибок { $failed }
status-job-streak = { $streak }× подряд с ошибкой: { $error }
status-job-next = следующий { $at }
status-state-active = активен
status-state-needs_reconnect = нужно подключить заново
status-state-disabled = отключён
status-allegro = <b>Allegro</b>
status-allegro-account = • { $name } — { $state } · события до { $tracker } · токен { $token }
status-token-valid = действует до { $until }
status-token-expired = истёк (обновится при следующем запросе)
status-token-none = не сохранён
status-wix = <b>Wix</b>
status-wix-site = • { $name } — { $state } · каталог { $version } · последняя синхронизация { $last }
status-outbox = <b>Изменения остатков, ждущие канала</b>: { $total }
status-outbox-line = • { $channel } · { $name }: { $rows } (самое старое { $oldest })
