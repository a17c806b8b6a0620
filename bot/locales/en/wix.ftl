### Wix sites: the list, adding, disabling and removing a site, the SKU mapping report, alerts.

wix-command = Wix sites (admins)
wix-sites-title = 🛍 <b>Wix sites</b>
wix-no-sites = No Wix sites yet. Add one with the button below.
wix-site-line = • <b>{ $name }</b> — { $catalog } · { $sync }
wix-catalog-unknown = catalog not checked yet
wix-never-synced = never synced
wix-last-sync = last sync { $time } ({ $trigger }, { $status })
wix-site-inactive = [{ $state }]
wix-site-error = ⚠️ Last error: { $error }
wix-btn-add = ➕ Add a site
wix-btn-map = 🗺 Mapping of { $name }
wix-btn-refresh = 🔄 Read Wix again
wix-btn-sites = 🛍 Wix sites

wix-btn-site = ⚙️ { $name }
wix-site-id = Site id: <code>{ $site_id }</code>
wix-site-state = State: { $state }
wix-btn-disable = ⏸ Disable
wix-btn-enable = ▶️ Enable
wix-btn-remove = 🗑 Remove
wix-btn-remove-confirm = 🗑 Yes, remove { $name }
wix-remove-confirm = Remove the Wix site <b>{ $name }</b>? This deletes its key, its SKU mappings ({ $mappings }) and its sync history ({ $syncs } runs). Stock and the Wix order lines already applied to it stay. To only pause the site, disable it instead.
wix-site-removed = 🗑 Wix site { $name } removed with its SKU mappings ({ $mappings }) and sync history ({ $syncs } runs). Stock was not changed.
wix-site-gone = This Wix site no longer exists. Open /wix again.

wix-ask-name = Send a short name for the new site (like shop): 1–64 letters, digits, “.”, “-” or “_”.
wix-ask-site-id = Now send the site id of { $name }: the GUID after /dashboard/ in the address of the site's dashboard.
wix-ask-key = Last, send the site's API key (Wix API Keys Manager, with the Wix Stores permissions). I delete your message as soon as I have read it.
wix-looked-like-key = That is not a site id, and it might have been a key, so I deleted it. Send the site id first: the GUID after /dashboard/.
wix-key-not-deleted = ⚠️ I could not delete the message with the key. Please delete it yourself.
wix-checking = ⏳ Checking the key of { $name } with Wix…
wix-site-added = ✅ Wix site { $name } added (catalog { $catalog }). Its orders are imported from now on; its SKUs are mapped at the first sync.
wix-site-rekeyed = ✅ Wix site { $name } has its new key (catalog { $catalog }).
wix-site-refused = ❌ The site was not added: { $reason }

wix-mapping-none = 🗺 <b>{ $name }</b>: no mapping yet. Read Wix to build it.
wix-mapping-title = 🗺 <b>{ $name }</b>: SKU mapping of { $time } ({ $catalog })
wix-mapping-counts = Mapped: { $mapped } of { $products } products; { $wix } SKUs in Wix.
wix-mapping-missing = Missing in Wix ({ $count }): { $skus }
wix-mapping-duplicates = Held by several Wix variants ({ $count }): { $skus }
wix-mapping-unknown = In Wix but unknown here ({ $count }): { $skus }
wix-mapping-clean = No problems: every product is in Wix exactly once.
wix-mapping-running = ⏳ Reading { $name } from Wix…
wix-mapping-failed = ❌ Wix could not be read for { $name }: { $error }

error-wix_site_name = A site name is 1–64 letters, digits, “.”, “-” or “_”, starting with a letter or digit.
error-wix_site_name_taken = Another Wix site already has this name. Choose another one.
error-wix_site_id = That is not a Wix site id. It is the GUID after /dashboard/ in the address of the site's dashboard.
error-wix_api_key = That is not an API key: a key is one long word without spaces.
error-wix_key_refused = Wix refused this API key for this site (a wrong key, another account's site, or missing permissions).
error-wix_no_stores = Wix Stores is not installed on this site.
error-wix_unreachable = Wix could not be asked right now. Try again in a few minutes.

alert-wix-unknown-sku = ❓ Wix ({ $site }) sold SKU { $sku } (“{ $name }”, order { $order }), but no product has this SKU. The sale is applied as soon as a product gets it.
alert-wix-no-sku = ❓ Wix ({ $site }) sold “{ $name }” (product { $item }, order { $order }) without a SKU. Give it a SKU in Wix; sales of it are not counted here meanwhile.
alert-wix-oversell = ⚠️ Oversold on Wix ({ $site }): order { $order } needs { $quantity } × { $sku }, { $shortage } of them were not in stock.
alert-wix-push-failed = ⚠️ Wix ({ $site }) did not take the stock of { $count } products: { $skus }. First reason: { $error }. They are retried with the next push.
