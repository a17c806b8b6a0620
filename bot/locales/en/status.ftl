### /status: background jobs, channel accounts and the stock waiting to be pushed.

status-command = Background jobs and channels (admins)
status-title = 📊 <b>Status</b>
status-single-instance = SQLite: this single instance runs the background jobs.
status-leader-here = This instance holds the PostgreSQL lock and runs the background jobs.
status-leader-elsewhere = Another instance holds the PostgreSQL lock and runs the background jobs; it knows the next run times.
status-jobs = <b>Jobs</b>
status-no-jobs = No job has run yet.
status-never = never
status-job-never = not run yet
status-job-last = last { $at }
status-job-counts = { $processed } looked at, { $changed } changed, { $failed } failed
status-job-streak = failed { $streak }× in a row: { $error }
status-job-next = next { $at }
status-state-active = active
status-state-needs_reconnect = needs to be connected again
status-state-disabled = disabled
status-allegro = <b>Allegro</b>
status-allegro-account = • { $name } — { $state } · events up to { $tracker } · token { $token }
status-token-valid = valid until { $until }
status-token-expired = expired (renewed on the next call)
status-token-none = not stored
status-wix = <b>Wix</b>
status-wix-site = • { $name } — { $state } · catalog { $version } · last sync { $last }
status-outbox = <b>Stock changes waiting for a channel</b>: { $total }
status-outbox-line = • { $channel } · { $name }: { $rows } (oldest { $oldest })
