import-refused = Pliku nie zaimportowano — nic nie zostało zapisane. Znalezione problemy: { $count }
import-error-line = • wiersz { $line }: { $text }
import-more-errors = …i jeszcze { $count }.
import-dry-run = <b>Próba</b> — nic jeszcze nie zapisano.
    Wiersze: { $rows }. Nowe produkty: { $create }. Zmienione produkty: { $update }. Przyjęcia: { $receipts } ({ $units } szt.).
import-plan-create = ＋ <code>{ $sku }</code> { $name }
import-plan-update = ✎ <code>{ $sku }</code> { $name }
import-more-products = …i jeszcze { $count } produktów.
import-apply = ✔ Zastosuj
import-done = Zaimportowano. Nowe produkty: { $create }. Zmienione produkty: { $update }. Przyjęcia: { $receipts } ({ $units } szt.).

# Problems of an imported file (line numbers are added by import-error-line).
error-csv_not_utf8 = Plik nie jest tekstem UTF-8 (bajt { $byte }). Zapisz go jako „CSV UTF-8” i wyślij ponownie.
error-csv_empty = Plik jest pusty. Pierwszy wiersz musi zawierać nazwy kolumn: <code>{ $expected }</code>.
error-csv_header_unreadable = Pierwszego wiersza nie da się odczytać jako CSV: { $detail }
error-csv_column_twice = Pierwszy wiersz dwa razy zawiera kolumnę { $column }.
error-csv_columns_missing = W pierwszym wierszu brakuje kolumn: { $missing } (znaleziono: { $found }). Oczekiwano: <code>{ $expected }</code>.
error-csv_quantity_column_alone = Kolumna ilości wymaga obok kolumny magazynu.
error-csv_no_rows = Po pierwszym wierszu nie ma żadnych produktów.
error-csv_unreadable = To nie jest poprawny plik CSV: { $detail }
error-csv_row_too_wide = Wiersz ma { $fields } pól, a pierwszy wiersz { $columns }. Wartości zawierające separator ujmij w cudzysłów.
error-csv_quantity_without_warehouse = Ilość { $quantity } wymaga kodu magazynu.
error-csv_sku_renamed = SKU { $sku } ma tu nazwę „{ $name }”, a w wierszu { $first_line } „{ $first_name }”.
error-csv_sku_repeated = SKU { $sku } w magazynie { $warehouse } występuje już w wierszu { $first_line }.
error-csv_sku_repeated_no_warehouse = SKU { $sku } bez magazynu występuje już w wierszu { $first_line }.
error-csv_ean_repeated = EAN { $ean } jest też podany dla SKU { $sku } w wierszu { $first_line }.
error-csv_sku_archived = SKU { $sku } należy do zarchiwizowanego produktu: najpierw go przywróć.
error-csv_unknown_warehouse = Nieznany kod magazynu { $warehouse }. Znane kody: { $known }.
error-csv_no_warehouses = Nieznany kod magazynu { $warehouse }: nie ma jeszcze żadnych magazynów. Dodaj magazyn przez /warehouses.
error-csv_warehouse_inactive = Magazyn { $warehouse } jest nieaktywny.
