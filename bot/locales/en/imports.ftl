import-refused = The file was not imported — nothing was saved. Problems found: { $count }
import-error-line = • line { $line }: { $text }
import-more-errors = …and { $count } more.
import-dry-run = <b>Dry run</b> — nothing is saved yet.
    Rows: { $rows }. New products: { $create }. Updated products: { $update }. Receipts: { $receipts } ({ $units } units).
import-plan-create = ＋ <code>{ $sku }</code> { $name }
import-plan-update = ✎ <code>{ $sku }</code> { $name }
import-more-products = …and { $count } more products.
import-apply = ✔ Apply
import-done = Imported. New products: { $create }. Updated products: { $update }. Receipts: { $receipts } ({ $units } units).
