### Alerts to admins (background jobs, stock, channels) and /alerts, where each admin mutes kinds.

alerts-command = Choose which alerts you get (admins)
alerts-settings = 🔔 <b>Alerts</b>
    Tap a kind to mute or unmute it for you. 🔔 = you get it, 🔕 = muted.
alerts-kind-job_failed = Failed background jobs and recoveries
alerts-kind-token_reconnect = Accounts to connect again
alerts-kind-unknown_sku = Orders with unknown SKUs
alerts-kind-oversell = Orders larger than the stock
alerts-kind-low_stock = Low stock and stock-outs
alerts-kind-push_failed = Stock that did not reach a channel
alerts-kind-digest = Daily digest
alerts-muted = Muted: { $kind }
alerts-unmuted = You get these again: { $kind }
alerts-btn-retry = 🔁 Retry now
alerts-btn-reconnect = 🔌 Reconnect
alerts-retrying = Pushing the stock again now.

alert-job-failed = ⚠️ <b>{ $target }</b>: the job { $job } failed.
    { $error }
    I will tell you once it works again; until then no more messages about it.
alert-job-recovered = ✅ <b>{ $target }</b> works again (job { $job }; it had been failing for { $minutes } min).
alert-low-stock = 📉 Low stock: <code>{ $sku }</code> { $name } — { $available } left (alert at { $threshold }).
alert-out-of-stock = 🚫 Out of stock: <code>{ $sku }</code> { $name } — nothing left to sell.
alert-reconnect = 🔌 Reminder: <b>{ $account }</b> still needs to be connected again. Until then no orders are imported and no stock is sent there.
alert-summary = 🔕 { $count } more alerts were held back to avoid a flood ({ $kinds }). /status shows the current state.
alert-digest = 📋 <b>Daily digest for { $day }</b>
    <b>Sales</b> (sold / returned, orders):
    { $sales }
    <b>Out of stock</b>: { $stockouts_count } — { $stockouts }
    <b>Low stock</b>: { $low_count } — { $low }
    <b>Failed syncs</b>: { $failed_count }
    { $failed }
    <b>Corrections</b>: { $counts } counts (net { $count_delta }), { $write_offs } write-offs ({ $written_off } pcs)
