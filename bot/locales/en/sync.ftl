### /sync: a full reconcile of the channels now, with live progress and a report.

sync-command = Reconcile the channels now (admins)
sync-choose = 🔄 What should I reconcile with the warehouse now?
sync-btn-all = All channels
sync-no-channels = No channel account is connected, so there is nothing to reconcile.
sync-running-already = ⏳ A reconcile is already running. Its progress:
sync-progress-title = 🔄 <b>Reconciling</b> (started { $started })
sync-target-waiting = ⌛ { $account } — waiting
sync-target-starting = ⏳ { $account } — starting…
sync-target-running = ⏳ { $account } — { $done } / { $total }
sync-target-done = ✅ { $account } — checked { $checked }, updated { $updated }, unchanged { $unchanged }, missing { $missing }, failed { $failed }
sync-target-failed = ❌ { $account } — { $error }
sync-report-title = ✅ <b>Reconcile finished</b> in { $seconds } s
sync-report-problems = ⚠️ <b>Reconcile finished with problems</b> in { $seconds } s
sync-report-totals = Checked: { $checked } · updated: { $updated } · unchanged: { $unchanged } · missing on the channel: { $missing } · failed: { $failed }
sync-btn-problems = Problem SKUs ({ $count })
sync-problems-title = <b>Problem SKUs</b>
sync-problem-line = • { $account } — <code>{ $sku }</code>: { $reason }
sync-report-gone = This report is no longer kept. Run /sync again.
