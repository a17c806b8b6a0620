edit-prompt-sku = Changing the SKU of <code>{ $sku }</code>.
    Current SKU: { $current }
    Send the new SKU (letters A–Z, digits, “-”, “_”, “.”, “/”), or tap Cancel (/cancel).
edit-prompt-name = Changing the name of <code>{ $sku }</code>.
    Current name: { $current }
    Send the new name, or tap Cancel (/cancel).
edit-prompt-eans = Changing the EANs of <code>{ $sku }</code>.
    Current EANs: { $current }
    Send every EAN the product should have, separated by spaces, commas or new lines; send “-” to remove them all. Or tap Cancel (/cancel).
edit-prompt-photo = Changing the photo of <code>{ $sku }</code>.
    Current photo: { $current }
    Send the new photo — as a photo or as an image file (JPEG, PNG, WebP, HEIC) — or tap Cancel (/cancel).
edit-photo-present = yes
edit-photo-none = none
edit-send-sku = Please send the new SKU as text, or tap Cancel.
edit-send-name = Please send the new name as text, or tap Cancel.
edit-send-eans = Please send the EANs as text, or tap Cancel.
edit-send-photo = Please send a photo or an image file, or tap Cancel.
edit-try-again = Please send a corrected value, or tap Cancel.
edit-unchanged = That is the current value. Send a different one, or tap Cancel.
edit-confirm-sku = SKU of <code>{ $sku }</code>:
    { $old } → { $new }
    Save?
edit-confirm-name = Name of <code>{ $sku }</code>:
    { $old } → { $new }
    Save?
edit-confirm-eans = EANs of <code>{ $sku }</code>:
    { $old } → { $new }
    Save?
edit-confirm-photo = New photo for <code>{ $sku }</code> (current photo: { $old }). Save it?
edit-saved = Saved.
edit-conflict = Not saved: someone else changed this product meanwhile. Here is the current card; start the edit again if it is still needed.
