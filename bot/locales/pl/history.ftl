### Historia: dla produktu i ogólna, od najnowszych.

history-command = Historia ruchów magazynowych i zmian
history-title-all = 🕘 <b>Historia</b> · wszystkie produkty
history-title-product = 🕘 <b>Historia</b> · { $name } (<code>{ $sku }</code>)
history-filter-kind = Pokazuję: { $kind }
history-filter-user = Użytkownik: { $user }
history-page = Strona { $page } z { $pages }
history-empty = Brak wpisów dla tego wyboru.

history-kind-all = Wszystko
history-kind-receipts = Przyjęcia
history-kind-transfers = Przesunięcia
history-kind-write-offs = Odpisy
history-kind-counts = Inwentaryzacje
history-kind-orders = Zamówienia
history-kind-edits = Edycje

history-btn-mine = 👤 Moje
history-btn-everyone = 👥 Wszyscy
history-btn-user = 👤 Wybierz użytkownika
history-btn-back = ↩️ Wróć do historii
history-pick-user = Czyją historię chcesz zobaczyć?

history-type-receipt = Przyjęcie
history-type-sale = Sprzedaż
history-type-return = Zwrot
history-type-transfer = Przesunięcie
history-type-write-off = Odpis
history-type-count = Inwentaryzacja
history-type-reserve = Rezerwacja pod zamówienie
history-type-release = Zwolnienie rezerwacji
history-type-product-create = Utworzenie produktu
history-type-product-edit = Edycja produktu
history-type-product-archive = Archiwizacja produktu
history-type-product-restore = Przywrócenie produktu

history-warehouse = Magazyn: { $where }
history-who = 👤 { $who }
history-reason = Powód: { $reason }
history-ref = Zamówienie: <code>{ $ref }</code>
history-actor-system = system
history-actor-cli = wiersz poleceń
history-photo = zdjęcie #{ $tag }
history-yes = tak
history-no = nie

history-field-sku = SKU
history-field-name = Nazwa
history-field-eans = EAN-y
history-field-photo = Zdjęcie
history-field-on-hand = Na stanie
