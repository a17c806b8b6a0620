### History: per product and global, newest first.

history-command = History of stock moves and edits
history-title-all = 🕘 <b>History</b> · all products
history-title-product = 🕘 <b>History</b> · { $name } (<code>{ $sku }</code>)
history-filter-kind = Showing: { $kind }
history-filter-user = User: { $user }
history-page = Page { $page } of { $pages }
history-empty = Nothing recorded yet for this choice.

history-kind-all = All
history-kind-receipts = Receipts
history-kind-transfers = Transfers
history-kind-write-offs = Write-offs
history-kind-counts = Counts
history-kind-orders = Orders
history-kind-edits = Edits

history-btn-mine = 👤 Mine
history-btn-everyone = 👥 Everyone
history-btn-user = 👤 Pick a user
history-btn-back = ↩️ Back to history
history-pick-user = Whose history do you want to see?

history-type-receipt = Receipt
history-type-sale = Sale
history-type-return = Return
history-type-transfer = Transfer
history-type-write-off = Write-off
history-type-count = Count
history-type-reserve = Reserved for an order
history-type-release = Reservation released
history-type-product-create = Product created
history-type-product-edit = Product edited
history-type-product-archive = Product archived
history-type-product-restore = Product restored

history-warehouse = Warehouse: { $where }
history-who = 👤 { $who }
history-reason = Reason: { $reason }
history-ref = Order: <code>{ $ref }</code>
history-actor-system = system
history-actor-cli = command line
history-photo = photo #{ $tag }
history-yes = yes
history-no = no

history-field-sku = SKU
history-field-name = Name
history-field-eans = EANs
history-field-photo = Photo
history-field-on-hand = On hand
