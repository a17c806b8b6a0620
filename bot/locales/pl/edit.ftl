edit-prompt-sku = Zmiana SKU produktu <code>{ $sku }</code>.
    Obecne SKU: { $current }
    Wyślij nowe SKU (litery A–Z, cyfry, „-”, „_”, „.”, „/”) albo stuknij Anuluj (/cancel).
edit-prompt-name = Zmiana nazwy produktu <code>{ $sku }</code>.
    Obecna nazwa: { $current }
    Wyślij nową nazwę albo stuknij Anuluj (/cancel).
edit-prompt-eans = Zmiana kodów EAN produktu <code>{ $sku }</code>.
    Obecne EAN-y: { $current }
    Wyślij wszystkie EAN-y, które produkt ma mieć, oddzielone spacjami, przecinkami lub nowymi liniami; wyślij „-”, aby usunąć wszystkie. Albo stuknij Anuluj (/cancel).
edit-prompt-photo = Zmiana zdjęcia produktu <code>{ $sku }</code>.
    Obecne zdjęcie: { $current }
    Wyślij nowe zdjęcie — jako zdjęcie lub plik obrazu (JPEG, PNG, WebP, HEIC) — albo stuknij Anuluj (/cancel).
edit-photo-present = jest
edit-photo-none = brak
edit-send-sku = Wyślij nowe SKU jako tekst albo stuknij Anuluj.
edit-send-name = Wyślij nową nazwę jako tekst albo stuknij Anuluj.
edit-send-eans = Wyślij EAN-y jako tekst albo stuknij Anuluj.
edit-send-photo = Wyślij zdjęcie lub plik obrazu albo stuknij Anuluj.
edit-try-again = Wyślij poprawioną wartość albo stuknij Anuluj.
edit-unchanged = To jest obecna wartość. Wyślij inną albo stuknij Anuluj.
edit-confirm-sku = SKU produktu <code>{ $sku }</code>:
    { $old } → { $new }
    Zapisać?
edit-confirm-name = Nazwa produktu <code>{ $sku }</code>:
    { $old } → { $new }
    Zapisać?
edit-confirm-eans = EAN-y produktu <code>{ $sku }</code>:
    { $old } → { $new }
    Zapisać?
edit-confirm-photo = Nowe zdjęcie produktu <code>{ $sku }</code> (obecne zdjęcie: { $old }). Zapisać?
edit-saved = Zapisano.
edit-conflict = Nie zapisano: ktoś inny w międzyczasie zmienił ten produkt. Oto aktualna karta; jeśli zmiana jest nadal potrzebna, zacznij od nowa.
