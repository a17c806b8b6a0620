cmd-new = Create a product (admin)
create-ask-sku = New product, step 1 of 5: send its SKU (letters A–Z, digits, “-”, “_”, “.”, “/”). /cancel stops.
create-ask-name = Step 2 of 5: send the name of <code>{ $sku }</code>.
create-ask-eans = Step 3 of 5: send its EANs (separated by spaces, commas or new lines), or tap Skip.
create-ask-photo = Step 4 of 5: send a photo (as a photo or an image file), or tap Skip.
create-ask-warehouse = Step 5 of 5: initial stock. Pick the warehouse that has it, or tap “No stock”.
create-no-stock = No stock
create-ask-quantity = How many units are in { $warehouse }? Send a whole number.
create-try-again = Please send a corrected value.
create-summary = <b>New product</b>
    SKU: <code>{ $sku }</code>
    Name: { $name }
    EAN: { $eans }
    Photo: { $photo }
    Initial stock: { $stock }
    Create it?
create-summary-stock = { $quantity } in { $warehouse }
create-done = Product created.
