# Allegro accounts (/allegro) and the Allegro channel's alerts.

allegro-command = Allegro accounts
allegro-not-configured = Allegro is not configured: set ALLEGRO_CLIENT_ID and ALLEGRO_CLIENT_SECRET and restart the bot.

allegro-accounts-title = <b>Allegro accounts</b>
allegro-accounts-empty = No Allegro account is connected yet.
allegro-account-line = • <b>{ $name }</b> — { $state } · orders read up to { $tracker } · { $offers } linked offers
allegro-state-active = active
allegro-state-needs_reconnect = ⚠️ needs to be connected again
allegro-state-disabled = switched off
allegro-tracker-oldest = the oldest event
allegro-tracker-none = not started
allegro-priority-all = all warehouses, by number
allegro-account = <b>{ $name }</b> (seller { $seller })
    State: { $state }
    Orders read up to event: { $tracker }
    Sold stock is taken from: { $priority }
    Linked offers: { $offers }
allegro-account-error = Last error: { $error }

allegro-btn-connect = ➕ Connect an Allegro account
allegro-btn-reconnect = 🔑 Connect again
allegro-btn-priority = 🏬 Warehouses
allegro-btn-backfill = ⏪ Read orders again
allegro-btn-offers = 🔗 Check offers

allegro-connect-asking = Asking Allegro for a code…
allegro-connect-open = 1. Open { $link }
    2. Log in as the seller and confirm the code <b>{ $code }</b>.
    Waiting for the approval…
allegro-connect-slow = Allegro asked to check less often: next check in { $seconds } s.
allegro-connect-done = ✅ Connected as <b>{ $login }</b> (account { $name }). New orders are read from now on.
allegro-connect-denied = ❌ Access was refused on the Allegro page. Nothing was connected.
allegro-connect-expired = ⌛ The code expired before it was approved. Press the button again for a new one.
allegro-connect-mismatch = ❌ The approval came from Allegro user { $login }, but this is the account { $account }. Log in to Allegro as that seller and try again.
allegro-connect-failed = ❌ Allegro did not answer as expected: { $error }
allegro-connect-cancelled = Connecting was cancelled.

allegro-task-failed = ❌ Something went wrong on our side; the details are in the log. Please try again.

allegro-offers-running = Checking the offers of { $name }…
allegro-offers-report = { $linked } of { $offers } offers are linked to products by SKU; { $missing } products have no offer.
allegro-offers-problems = Worth a look:
allegro-offers-more = … and { $count } more.

allegro-priority-ask = Send the codes of the warehouses sold stock of <b>{ $name }</b> is taken from, first one first, e.g. <code>MAIN SHOP</code>. Warehouses you leave out follow them.
    Now: { $priority }
allegro-priority-saved = { $name } now takes sold stock from { $priority }.

allegro-backfill-ask = How many days back should the orders of <b>{ $name }</b> be read again (1–{ $max })? Order lines already applied stay as they are.
allegro-backfill-bad = Send a whole number from 1 to { $max }.
allegro-backfill-running = Looking for the first order event of the last { $days } days…
allegro-backfill-done = Done: the next run reads the orders of the last { $days } days.
allegro-backfill-failed = ❌ The orders could not be read again: { $error }
allegro-job-waiting = ⏳ Orders of this account are being read in the background right now; this starts as soon as that ends…
allegro-job-running = ⏳ Orders of this account are still being read in the background: try again in a moment.

error-allegro_unknown_warehouse = There is no warehouse { $code }.

alert-allegro-reconnect = 🔑 The Allegro account { $account } must be connected again: Allegro no longer accepts its token. Its orders and stock are paused; the other accounts go on. Open /allegro and choose Connect again.
alert-allegro-unknown-sku = ❓ Allegro ({ $account }) sold SKU { $sku } (offer { $offer } “{ $offer_name }”, order { $order }), but no product has this SKU. The sale is applied as soon as a product gets it.
alert-allegro-no-sku = ❓ Allegro ({ $account }) sold the offer { $offer } “{ $offer_name }” (order { $order }), which has no SKU (external id). Fill it in on Allegro; the sale is applied then.
alert-allegro-oversell = ⚠️ Oversold on Allegro ({ $account }): order { $order } needs { $quantity } × { $sku }, { $shortage } of them were not in stock.
alert-allegro-push-failed = ⚠️ Allegro ({ $account }) did not take the stock of { $count } products: { $skus }. First reason: { $error }. They are retried with the next push.
