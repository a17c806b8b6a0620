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

# Problems of an imported file (line numbers are added by import-error-line).
error-csv_not_utf8 = The file is not UTF-8 text (byte { $byte }). Save it as “CSV UTF-8” and send it again.
error-csv_empty = The file is empty. Its first line must name the columns: <code>{ $expected }</code>.
error-csv_header_unreadable = The first line cannot be read as CSV: { $detail }
error-csv_column_twice = The first line names the column { $column } twice.
error-csv_columns_missing = The first line lacks the column(s) { $missing } (found: { $found }). Expected: <code>{ $expected }</code>.
error-csv_quantity_column_alone = A quantity column needs a warehouse column next to it.
error-csv_no_rows = There are no product rows after the first line.
error-csv_unreadable = This is not valid CSV: { $detail }
error-csv_row_too_wide = The row has { $fields } fields but the first line has { $columns }. Put values that contain the delimiter in double quotes.
error-csv_quantity_without_warehouse = A quantity of { $quantity } needs a warehouse code.
error-csv_sku_renamed = SKU { $sku } is named “{ $name }” here but “{ $first_name }” on line { $first_line }.
error-csv_sku_repeated = SKU { $sku } in warehouse { $warehouse } already appears on line { $first_line }.
error-csv_sku_repeated_no_warehouse = SKU { $sku } without a warehouse already appears on line { $first_line }.
error-csv_ean_repeated = EAN { $ean } is also given to SKU { $sku } on line { $first_line }.
error-csv_sku_archived = SKU { $sku } belongs to an archived product: restore it first.
error-csv_unknown_warehouse = Unknown warehouse code { $warehouse }. Known codes: { $known }.
error-csv_no_warehouses = Unknown warehouse code { $warehouse }: there are no warehouses yet. Add one with /warehouses.
error-csv_warehouse_inactive = Warehouse { $warehouse } is inactive.
