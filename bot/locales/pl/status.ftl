### /status: zadania w tle, konta kanałów i zmiany stanów czekające na wysłanie.

status-command = Zadania w tle i kanały (administratorzy)
status-title = 📊 <b>Stan</b>
status-single-instance = SQLite: zadania w tle uruchamia ta jedyna instancja.
status-leader-here = Ta instancja trzyma blokadę PostgreSQL i uruchamia zadania w tle.
status-leader-elsewhere = Blokadę PostgreSQL trzyma inna instancja i to ona uruchamia zadania w tle; zna terminy następnych uruchomień.
status-jobs = <b>Zadania</b>
status-no-jobs = Żadne zadanie jeszcze się nie wykonało.
status-never = nigdy
status-job-never = jeszcze nie uruchomione
status-job-last = ostatnio { $at }
status-job-counts = przejrzane { $processed }, zmienione { $changed }, błędy { $failed }
status-job-streak = { $streak }× z rzędu bez powodzenia: { $error }
status-job-next = następne { $at }
status-state-active = aktywne
status-state-needs_reconnect = wymaga ponownego połączenia
status-state-disabled = wyłączone
status-allegro = <b>Allegro</b>
status-allegro-account = • { $name } — { $state } · zdarzenia do { $tracker } · token { $token }
status-token-valid = ważny do { $until }
status-token-expired = wygasł (odnowiony przy następnym wywołaniu)
status-token-none = brak zapisanego
status-wix = <b>Wix</b>
status-wix-site = • { $name } — { $state } · katalog { $version } · ostatnia synchronizacja { $last }
status-outbox = <b>Zmiany stanów czekające na kanał</b>: { $total }
status-outbox-line = • { $channel } · { $name }: { $rows } (najstarsza { $oldest })
