### Sklepy Wix: lista, dodawanie sklepu, raport mapowania SKU, alerty.

wix-command = Sklepy Wix (administratorzy)
wix-sites-title = 🛍 <b>Sklepy Wix</b>
wix-no-sites = Nie ma jeszcze sklepów Wix. Dodaj sklep przyciskiem poniżej.
wix-site-line = • <b>{ $name }</b> — { $catalog } · { $sync }
wix-catalog-unknown = katalog jeszcze nie sprawdzony
wix-never-synced = jeszcze nie synchronizowany
wix-last-sync = ostatnia synchronizacja { $time } ({ $trigger }, { $status })
wix-site-inactive = [{ $state }]
wix-site-error = ⚠️ Ostatni błąd: { $error }
wix-btn-add = ➕ Dodaj sklep
wix-btn-map = 🗺 Mapowanie { $name }
wix-btn-refresh = 🔄 Odczytaj Wix ponownie
wix-btn-sites = 🛍 Sklepy Wix

wix-btn-site = ⚙️ { $name }
wix-site-id = Identyfikator sklepu: <code>{ $site_id }</code>
wix-site-state = Stan: { $state }
wix-btn-disable = ⏸ Wyłącz
wix-btn-enable = ▶️ Włącz
wix-btn-remove = 🗑 Usuń
wix-btn-remove-confirm = 🗑 Tak, usuń { $name }
wix-remove-confirm = Usunąć sklep Wix <b>{ $name }</b>? Zostaną usunięte jego klucz, mapowania SKU ({ $mappings }) i historia synchronizacji ({ $syncs } przebiegów). Stany magazynowe i już zastosowane pozycje zamówień Wix zostają. Aby tylko wstrzymać sklep, wyłącz go.
wix-site-removed = 🗑 Sklep Wix { $name } usunięty razem z mapowaniami SKU ({ $mappings }) i historią synchronizacji ({ $syncs } przebiegów). Stany magazynowe się nie zmieniły.
wix-site-gone = Ten sklep Wix już nie istnieje. Otwórz /wix ponownie.

wix-ask-name = Wyślij krótką nazwę nowego sklepu (np. shop): 1–64 litery, cyfry, „.”, „-” lub „_”.
wix-ask-site-id = Teraz wyślij identyfikator sklepu { $name }: GUID po /dashboard/ w adresie panelu sklepu.
wix-ask-key = Na koniec wyślij klucz API sklepu (Menedżer kluczy API Wix, z uprawnieniami Wix Stores). Usunę twoją wiadomość, gdy tylko ją przeczytam.
wix-looked-like-key = To nie jest identyfikator sklepu, a mógł to być klucz, więc go usunąłem. Najpierw wyślij identyfikator sklepu: GUID po /dashboard/.
wix-key-not-deleted = ⚠️ Nie udało się usunąć wiadomości z kluczem. Usuń ją samodzielnie.
wix-checking = ⏳ Sprawdzam klucz sklepu { $name } w Wix…
wix-site-added = ✅ Dodano sklep Wix { $name } (katalog { $catalog }). Jego zamówienia są importowane od teraz; SKU zostaną zmapowane przy pierwszej synchronizacji.
wix-site-rekeyed = ✅ Sklep Wix { $name } ma nowy klucz (katalog { $catalog }).
wix-site-refused = ❌ Sklep nie został dodany: { $reason }

wix-mapping-none = 🗺 <b>{ $name }</b>: brak mapowania. Odczytaj Wix, aby je zbudować.
wix-mapping-title = 🗺 <b>{ $name }</b>: mapowanie SKU z { $time } ({ $catalog })
wix-mapping-counts = Zmapowano: { $mapped } z { $products } produktów; { $wix } SKU w Wix.
wix-mapping-missing = Brak w Wix ({ $count }): { $skus }
wix-mapping-duplicates = Należą do kilku wariantów w Wix ({ $count }): { $skus }
wix-mapping-unknown = Są w Wix, nieznane tutaj ({ $count }): { $skus }
wix-mapping-clean = Bez problemów: każdy produkt jest w Wix dokładnie raz.
wix-mapping-running = ⏳ Odczytuję { $name } z Wix…
wix-mapping-failed = ❌ Nie udało się odczytać Wix dla { $name }: { $error }

error-wix_site_name = Nazwa sklepu to 1–64 litery, cyfry, „.”, „-” lub „_”, zaczynająca się od litery lub cyfry.
error-wix_site_name_taken = Inny sklep Wix ma już tę nazwę. Wybierz inną.
error-wix_site_id = To nie jest identyfikator sklepu Wix. To GUID po /dashboard/ w adresie panelu sklepu.
error-wix_api_key = To nie jest klucz API: klucz to jedno długie słowo bez spacji.
error-wix_key_refused = Wix odrzucił ten klucz API dla tego sklepu (zły klucz, sklep innego konta lub brak uprawnień).
error-wix_no_stores = Na tym sklepie nie zainstalowano Wix Stores.
error-wix_unreachable = Nie można teraz zapytać Wix. Spróbuj ponownie za kilka minut.

alert-wix-unknown-sku = ❓ Wix ({ $site }) sprzedał SKU { $sku } („{ $name }”, zamówienie { $order }), ale żaden produkt nie ma tego SKU. Sprzedaż zostanie uwzględniona, gdy produkt je otrzyma.
alert-wix-no-sku = ❓ Wix ({ $site }) sprzedał „{ $name }” (produkt { $item }, zamówienie { $order }) bez SKU. Nadaj mu SKU w Wix; do tego czasu jego sprzedaż nie jest tu liczona.
alert-wix-oversell = ⚠️ Sprzedano za dużo w Wix ({ $site }): zamówienie { $order } potrzebuje { $quantity } × { $sku }, brakowało { $shortage } szt.
alert-wix-push-failed = ⚠️ Wix ({ $site }) nie przyjął stanów { $count } produktów: { $skus }. Pierwszy powód: { $error }. Zostaną ponowione przy następnej wysyłce.
