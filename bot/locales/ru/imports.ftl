import-refused = Файл не импортирован — ничего не сохранено. Найдено проблем: { $count }
import-error-line = • строка { $line }: { $text }
import-more-errors = …и ещё { $count }.
import-dry-run = <b>Пробный прогон</b> — пока ничего не сохранено.
    Строк: { $rows }. Новых товаров: { $create }. Изменённых товаров: { $update }. Приёмок: { $receipts } ({ $units } шт.).
import-plan-create = ＋ <code>{ $sku }</code> { $name }
import-plan-update = ✎ <code>{ $sku }</code> { $name }
import-more-products = …и ещё { $count } товаров.
import-apply = ✔ Применить
import-done = Импортировано. Новых товаров: { $create }. Изменённых товаров: { $update }. Приёмок: { $receipts } ({ $units } шт.).

# Problems of an imported file (line numbers are added by import-error-line).
error-csv_not_utf8 = Файл не в кодировке UTF-8 (байт { $byte }). Сохраните его как «CSV UTF-8» и отправьте снова.
error-csv_empty = Файл пуст. В первой строке должны быть названия столбцов: <code>{ $expected }</code>.
error-csv_header_unreadable = Первую строку не удаётся прочитать как CSV: { $detail }
error-csv_column_twice = В первой строке столбец { $column } указан дважды.
error-csv_columns_missing = В первой строке нет столбцов: { $missing } (найдено: { $found }). Ожидается: <code>{ $expected }</code>.
error-csv_quantity_column_alone = Для столбца количества нужен столбец склада.
error-csv_no_rows = После первой строки нет ни одного товара.
error-csv_unreadable = Это некорректный CSV: { $detail }
error-csv_row_too_wide = В строке { $fields } полей, а в первой строке { $columns }. Значения, содержащие разделитель, заключите в двойные кавычки.
error-csv_quantity_without_warehouse = Для количества { $quantity } нужен код склада.
error-csv_sku_renamed = Артикул { $sku } здесь называется «{ $name }», а в строке { $first_line } — «{ $first_name }».
error-csv_sku_repeated = Артикул { $sku } на складе { $warehouse } уже встречается в строке { $first_line }.
error-csv_sku_repeated_no_warehouse = Артикул { $sku } без склада уже встречается в строке { $first_line }.
error-csv_ean_repeated = EAN { $ean } указан также для артикула { $sku } в строке { $first_line }.
error-csv_sku_archived = Артикул { $sku } принадлежит товару в архиве: сначала восстановите его.
error-csv_unknown_warehouse = Неизвестный код склада { $warehouse }. Известные коды: { $known }.
error-csv_no_warehouses = Неизвестный код склада { $warehouse }: складов ещё нет. Добавьте склад через /warehouses.
error-csv_warehouse_inactive = Склад { $warehouse } неактивен.
