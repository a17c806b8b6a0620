# Shared texts: buttons, access, errors, alerts, outdated buttons, commands.

btn-cancel = ✖ Cancel
btn-confirm = ✔ Confirm
btn-skip = Skip ›
btn-back = ‹ Back

stranger = Hello! This bot is for the warehouse team only.
    Your Telegram id is <code>{ $telegram_id }</code>.
    To get access, send this number to an administrator and ask them to add you.
stranger-short = This bot is for the warehouse team only. Send /start to see your Telegram id.
private-chats-only = I work only in private chats, so I am leaving this chat. Write to me directly instead.
slow-down = You are sending messages too fast. Please wait a moment; messages sent meanwhile are ignored.
not-allowed = Not allowed for your role.

cancelled = Cancelled. Nothing was saved.
nothing-to-cancel = There is nothing to cancel.
flow-unexpected = I am waiting for something else here. Follow the last prompt, or send /cancel to stop.
button-outdated = This button is outdated. Open the product again or repeat the command.

stale-gone = This product no longer exists.
stale-archived = This product is archived; its buttons no longer work.
stale-version = Someone has changed this product since this card was shown. Here is the current card.

error-unexpected = Sorry, something went wrong on our side. The administrators have been told; please try again later.
error-domain = This cannot be done.
error-validation = The value is not valid.
error-image = This file cannot be used as a photo.
error-not_found = It no longer exists.
error-conflict = This conflicts with another product.
error-stale_version = Someone changed this product meanwhile. Look at the current card and try again.
error-insufficient_stock = Only { $available } available in { $warehouse }; { $requested } requested.
error-permission_denied = Not allowed for your role.
error-sku_empty = The SKU is empty.
error-sku_too_long = The SKU is { $length } characters long; at most { $max_length } are allowed.
error-sku_chars = The SKU contains characters that are not allowed: { $chars }. Allowed: letters A–Z, digits, “-”, “_”, “.”, “/”.
error-sku_taken = SKU { $value } is already used by { $other_name } ({ $other_sku }).
error-ean_digits = EAN “{ $value }” may contain only digits; found { $chars }.
error-ean_length = EAN “{ $value }” has { $length } digits; an EAN has 8, 12, 13 or 14.
error-ean_checksum = EAN “{ $value }” has a wrong check digit (expected { $expected }): a digit is mistyped.
error-ean_taken = EAN { $value } already belongs to { $other_name } ({ $other_sku }).
error-name_empty = The name is empty.
error-name_chars = The name contains control characters: { $chars }.
error-name_too_long = The name is { $length } characters long; at most { $max_length } are allowed.
error-race = Another product with this SKU or EAN was saved at the same moment. Please try again.
error-archive_with_stock = { $sku } still has { $on_hand } units on hand: write them off or count them first.
error-quantity_not_integer = “{ $value }” is not a whole number.
error-quantity_not_positive = The quantity must be at least 1.
error-quantity_too_large = The quantity is larger than the maximum of { $maximum }.
error-count_not_integer = “{ $value }” is not a whole number.
error-count_negative = A count cannot be negative.
error-count_too_large = The count is larger than the maximum of { $maximum }.
error-language = Unknown language.
error-not_an_image = This file is not an image. Send a photo (JPEG, PNG, WebP or HEIC).
error-image_format = Images in { $format } format are not accepted. Send JPEG, PNG, WebP or HEIC.
error-image_corrupt = The image is damaged or incomplete. Please take or export it again.
error-image_too_large = The photo is { $size_mb } MB; at most { $max_mb } MB are accepted.
error-decompression_bomb = The image has too many pixels to be processed safely.
error-file_too_large = The file is { $size_mb } MB; at most { $max_mb } MB are accepted.
error-telegram_file_too_big = Telegram does not give bots files larger than { $max_mb } MB. Please send a smaller file.

alert-bot-error = ⚠️ The bot failed while handling a { $update_kind } from user { $user }: { $error }. The details are in the log.

cmd-start = Start
cmd-help = What this bot can do
cmd-language = Change the language
cmd-cancel = Cancel the current action
