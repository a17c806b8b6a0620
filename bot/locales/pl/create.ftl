cmd-new = Utwórz produkt (administrator)
create-ask-sku = Nowy produkt, krok 1 z 5: wyślij SKU (litery A–Z, cyfry, „-”, „_”, „.”, „/”). /cancel przerywa.
create-ask-name = Krok 2 z 5: wyślij nazwę produktu <code>{ $sku }</code>.
create-ask-eans = Krok 3 z 5: wyślij kody EAN (oddzielone spacjami, przecinkami lub nowymi liniami) albo stuknij Pomiń.
create-ask-photo = Krok 4 z 5: wyślij zdjęcie (jako zdjęcie lub plik obrazu) albo stuknij Pomiń.
create-ask-warehouse = Krok 5 z 5: stan początkowy. Wybierz magazyn, w którym jest towar, albo stuknij „Bez stanu”.
create-no-stock = Bez stanu
create-ask-quantity = Ile sztuk jest w { $warehouse }? Wyślij liczbę całkowitą.
create-try-again = Wyślij poprawioną wartość.
create-summary = <b>Nowy produkt</b>
    SKU: <code>{ $sku }</code>
    Nazwa: { $name }
    EAN: { $eans }
    Zdjęcie: { $photo }
    Stan początkowy: { $stock }
    Utworzyć?
create-summary-stock = { $quantity } w { $warehouse }
create-done = Produkt utworzony.
