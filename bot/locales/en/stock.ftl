### Stock moves: receive, transfer, write off, count.

stock-title-receive = 📥 <b>Receive</b> · { $name } (<code>{ $sku }</code>)
stock-title-transfer = 🔀 <b>Transfer</b> · { $name } (<code>{ $sku }</code>)
stock-title-write-off = 🗑 <b>Write off</b> · { $name } (<code>{ $sku }</code>)
stock-title-count = 🧮 <b>Count</b> · { $name } (<code>{ $sku }</code>)

stock-pick-warehouse = Which warehouse?
stock-pick-source = Move from which warehouse? Available now:
stock-pick-target = Move { $from } → which warehouse?
stock-option-on-hand = { $code } · { $on_hand } on hand
stock-option-available = { $code } · { $available } available

stock-no-warehouses = There is no active warehouse yet. An administrator adds one with /warehouses.
stock-nothing-available = None of this product is available in any warehouse.
stock-no-target = There is no other active warehouse to move it to.

stock-ask-receive = How many units arrive at { $warehouse }? On hand there now: { $on_hand }.
    Send a number.
stock-ask-transfer = How many units go from { $from } to { $to }? Up to { $available }.
    Send a number.
stock-ask-write-off = How many units are written off in { $warehouse }? Up to { $available }.
    Send a number.
stock-ask-count = How many units are really in { $warehouse }? The records say { $on_hand } on hand, { $reserved } reserved for orders.
    Send the number you counted (0 is fine).

stock-bad-quantity = “{ $text }” is not a quantity. Send a whole number from 1 to { $max }.
stock-bad-count = “{ $text }” is not a count. Send a whole number from 0 to { $max }.
stock-too-many = Only { $available } available in { $warehouse }. Send a number up to { $available }.
stock-below-reserved = { $reserved } units in { $warehouse } are reserved for orders, so the count cannot be lower than { $reserved }. Count again and send the number.

stock-pick-reason = Why are they written off?
stock-reason-damaged = Damaged
stock-reason-lost = Lost
stock-reason-expired = Expired
stock-reason-defective = Defective
stock-reason-internal-use = Internal use
stock-reason-other = Other

stock-confirm-receive = Receive <b>{ $quantity }</b> into { $warehouse }?
    On hand there: { $before } → { $after }.
stock-confirm-transfer = Move <b>{ $quantity }</b> from { $from } to { $to }?
stock-confirm-write-off = Write off <b>{ $quantity }</b> in { $warehouse }, reason: { $reason }?
    On hand there: { $before } → { $after }.
stock-confirm-count = Save the count for { $warehouse }?
    On hand: { $before } → { $after } (<b>{ $delta }</b>).

stock-done-receive = ✅ Received { $quantity } into { $warehouse }.
stock-done-transfer = ✅ Moved { $quantity } from { $from } to { $to }.
stock-done-write-off = ✅ Wrote off { $quantity } in { $warehouse } ({ $reason }).
stock-done-count = ✅ Count saved for { $warehouse }: { $before } → { $after } ({ $delta }).

stock-archived-meanwhile = This product was archived meanwhile, so its stock cannot be moved. Nothing was saved.
stock-changed-meanwhile = The stock changed meanwhile. { $problem }
stock-warehouse-gone = Warehouse { $warehouse } is no longer active. Start again from the product card.

error-transfer_same_warehouse = A transfer needs two different warehouses.
error-write_off_reason = A write-off needs a reason.
error-count_invalid = “{ $value }” is not a valid count.
