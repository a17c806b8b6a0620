# Konta Allegro (/allegro) i alerty kanału Allegro.

allegro-command = Konta Allegro
allegro-not-configured = Allegro nie jest skonfigurowane: ustaw ALLEGRO_CLIENT_ID i ALLEGRO_CLIENT_SECRET i uruchom bota ponownie.

allegro-accounts-title = <b>Konta Allegro</b>
allegro-accounts-empty = Nie połączono jeszcze żadnego konta Allegro.
allegro-account-line = • <b>{ $name }</b> — { $state } · zamówienia odczytane do { $tracker } · powiązane oferty: { $offers }
allegro-state-active = aktywne
allegro-state-needs_reconnect = ⚠️ wymaga ponownego połączenia
allegro-state-disabled = wyłączone
allegro-tracker-oldest = najstarszego zdarzenia
allegro-tracker-none = jeszcze nie rozpoczęte
allegro-priority-all = wszystkie magazyny, po numerze
allegro-account = <b>{ $name }</b> (sprzedawca { $seller })
    Stan: { $state }
    Zamówienia odczytane do zdarzenia: { $tracker }
    Sprzedany towar jest pobierany z: { $priority }
    Powiązane oferty: { $offers }
allegro-account-error = Ostatni błąd: { $error }

allegro-btn-connect = ➕ Połącz konto Allegro
allegro-btn-reconnect = 🔑 Połącz ponownie
allegro-btn-priority = 🏬 Magazyny
allegro-btn-backfill = ⏪ Odczytaj zamówienia ponownie
allegro-btn-offers = 🔗 Sprawdź oferty

allegro-connect-asking = Proszę Allegro o kod…
allegro-connect-open = 1. Otwórz { $link }
    2. Zaloguj się jako sprzedawca i potwierdź kod <b>{ $code }</b>.
    Czekam na potwierdzenie…
allegro-connect-slow = Allegro prosi o rzadsze sprawdzanie: następna próba za { $seconds } s.
allegro-connect-done = ✅ Połączono jako <b>{ $login }</b> (konto { $name }). Od teraz odczytywane są nowe zamówienia.
allegro-connect-denied = ❌ Dostęp został odrzucony na stronie Allegro. Nic nie połączono.
allegro-connect-expired = ⌛ Kod wygasł przed potwierdzeniem. Naciśnij przycisk ponownie, aby dostać nowy.
allegro-connect-mismatch = ❌ Potwierdzenie przyszło od użytkownika Allegro { $login }, a to jest konto { $account }. Zaloguj się w Allegro jako ten sprzedawca i spróbuj ponownie.
allegro-connect-failed = ❌ Allegro odpowiedziało nieoczekiwanie: { $error }
allegro-connect-cancelled = Łączenie zostało anulowane.

allegro-task-failed = ❌ Coś poszło nie tak po naszej stronie; szczegóły są w logu. Spróbuj ponownie.

allegro-offers-running = Sprawdzam oferty konta { $name }…
allegro-offers-report = Z { $offers } ofert { $linked } jest powiązanych z produktami przez SKU; produkty bez oferty: { $missing }.
allegro-offers-problems = Warto sprawdzić:
allegro-offers-more = … i jeszcze { $count }.

allegro-priority-ask = Wyślij kody magazynów, z których pobierany jest towar sprzedany na koncie <b>{ $name }</b>, od pierwszego, np. <code>MAIN SHOP</code>. Pominięte magazyny idą po nich.
    Teraz: { $priority }
allegro-priority-saved = { $name } pobiera teraz sprzedany towar z: { $priority }.

allegro-backfill-ask = Z ilu dni wstecz odczytać ponownie zamówienia konta <b>{ $name }</b> (1–{ $max })? Już zastosowane pozycje zamówień pozostają bez zmian.
allegro-backfill-bad = Wyślij liczbę całkowitą od 1 do { $max }.
allegro-backfill-running = Szukam pierwszego zdarzenia zamówień z ostatnich { $days } dni…
allegro-backfill-done = Gotowe: następny przebieg odczyta zamówienia z ostatnich { $days } dni.
allegro-backfill-failed = ❌ Nie udało się ponownie odczytać zamówień: { $error }
allegro-job-waiting = ⏳ Zamówienia tego konta są właśnie odczytywane w tle; zacznę, gdy to się skończy…
allegro-job-running = ⏳ Zamówienia tego konta wciąż są odczytywane w tle: spróbuj ponownie za chwilę.

error-allegro_unknown_warehouse = Nie ma magazynu { $code }.

alert-allegro-reconnect = 🔑 Konto Allegro { $account } trzeba połączyć ponownie: Allegro nie przyjmuje już jego tokenu. Jego zamówienia i stany są wstrzymane; pozostałe konta działają dalej. Otwórz /allegro i wybierz Połącz ponownie.
alert-allegro-unknown-sku = ❓ Allegro ({ $account }) sprzedało SKU { $sku } (oferta { $offer } „{ $offer_name }”, zamówienie { $order }), ale żaden produkt nie ma tego SKU. Sprzedaż zostanie uwzględniona, gdy produkt je otrzyma.
alert-allegro-no-sku = ❓ Allegro ({ $account }) sprzedało ofertę { $offer } „{ $offer_name }” (zamówienie { $order }), która nie ma SKU (sygnatury). Uzupełnij ją w Allegro; sprzedaż zostanie wtedy uwzględniona.
alert-allegro-oversell = ⚠️ Sprzedano za dużo na Allegro ({ $account }): zamówienie { $order } potrzebuje { $quantity } × { $sku }, brakowało { $shortage } szt.
alert-allegro-push-failed = ⚠️ Allegro ({ $account }) nie przyjęło stanów { $count } produktów: { $skus }. Pierwszy powód: { $error }. Zostaną ponowione przy następnej wysyłce.
