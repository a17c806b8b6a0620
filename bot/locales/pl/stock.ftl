### Ruchy magazynowe: przyjęcie, przesunięcie, odpis, inwentaryzacja.

stock-title-receive = 📥 <b>Przyjęcie</b> · { $name } (<code>{ $sku }</code>)
stock-title-transfer = 🔀 <b>Przesunięcie</b> · { $name } (<code>{ $sku }</code>)
stock-title-write-off = 🗑 <b>Odpis</b> · { $name } (<code>{ $sku }</code>)
stock-title-count = 🧮 <b>Inwentaryzacja</b> · { $name } (<code>{ $sku }</code>)

stock-pick-warehouse = Który magazyn?
stock-pick-source = Z którego magazynu? Dostępne teraz:
stock-pick-target = { $from } → do którego magazynu?
stock-option-on-hand = { $code } · { $on_hand } na stanie
stock-option-available = { $code } · { $available } dostępne

stock-no-warehouses = Nie ma jeszcze aktywnego magazynu. Administrator doda go poleceniem /warehouses.
stock-nothing-available = Tego produktu nie ma dostępnego w żadnym magazynie.
stock-no-target = Nie ma innego aktywnego magazynu, do którego można go przesunąć.

stock-ask-receive = Ile sztuk przyjmujesz do { $warehouse }? Teraz na stanie: { $on_hand }.
    Wyślij liczbę.
stock-ask-transfer = Ile sztuk przesunąć z { $from } do { $to }? Najwyżej { $available }.
    Wyślij liczbę.
stock-ask-write-off = Ile sztuk odpisać w { $warehouse }? Najwyżej { $available }.
    Wyślij liczbę.
stock-ask-count = Ile sztuk naprawdę jest w { $warehouse }? Według ewidencji: { $on_hand } na stanie, { $reserved } zarezerwowane pod zamówienia.
    Wyślij policzoną liczbę (0 też jest w porządku).

stock-bad-quantity = „{ $text }” to nie jest ilość. Wyślij liczbę całkowitą od 1 do { $max }.
stock-bad-count = „{ $text }” to nie jest wynik liczenia. Wyślij liczbę całkowitą od 0 do { $max }.
stock-too-many = W { $warehouse } dostępne jest tylko { $available }. Wyślij liczbę nie większą niż { $available }.
stock-below-reserved = W { $warehouse } { $reserved } szt. jest zarezerwowanych pod zamówienia, więc wynik nie może być mniejszy niż { $reserved }. Policz jeszcze raz i wyślij liczbę.

stock-pick-reason = Jaki jest powód odpisu?
stock-reason-damaged = Uszkodzenie
stock-reason-lost = Zagubienie
stock-reason-expired = Przeterminowanie
stock-reason-defective = Wada
stock-reason-internal-use = Użytek wewnętrzny
stock-reason-other = Inny

stock-confirm-receive = Przyjąć <b>{ $quantity }</b> do { $warehouse }?
    Na stanie: { $before } → { $after }.
stock-confirm-transfer = Przesunąć <b>{ $quantity }</b> z { $from } do { $to }?
stock-confirm-write-off = Odpisać <b>{ $quantity }</b> w { $warehouse }, powód: { $reason }?
    Na stanie: { $before } → { $after }.
stock-confirm-count = Zapisać wynik liczenia dla { $warehouse }?
    Na stanie: { $before } → { $after } (<b>{ $delta }</b>).

stock-done-receive = ✅ Przyjęto { $quantity } do { $warehouse }.
stock-done-transfer = ✅ Przesunięto { $quantity } z { $from } do { $to }.
stock-done-write-off = ✅ Odpisano { $quantity } w { $warehouse } ({ $reason }).
stock-done-count = ✅ Zapisano wynik liczenia dla { $warehouse }: { $before } → { $after } ({ $delta }).

stock-archived-meanwhile = Ten produkt został w międzyczasie zarchiwizowany, więc nie można zmieniać jego stanów. Nic nie zapisano.
stock-changed-meanwhile = Stan zmienił się w międzyczasie. { $problem }
stock-warehouse-gone = Magazyn { $warehouse } nie jest już aktywny. Zacznij od nowa z karty produktu.

error-transfer_same_warehouse = Przesunięcie wymaga dwóch różnych magazynów.
error-write_off_reason = Odpis wymaga powodu.
error-count_invalid = „{ $value }” to nieprawidłowy wynik liczenia.
