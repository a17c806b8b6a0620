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
