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
