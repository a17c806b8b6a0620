# Wspólne teksty: przyciski, dostęp, błędy, alerty, nieaktualne przyciski, komendy.

btn-cancel = ✖ Anuluj
btn-confirm = ✔ Potwierdź
btn-skip = Pomiń ›
btn-back = ‹ Wstecz

stranger = Dzień dobry! Ten bot jest tylko dla zespołu magazynu.
    Twój identyfikator Telegram to <code>{ $telegram_id }</code>.
    Aby uzyskać dostęp, wyślij ten numer administratorowi i poproś o dodanie.
stranger-short = Ten bot jest tylko dla zespołu magazynu. Wyślij /start, aby zobaczyć swój identyfikator Telegram.
private-chats-only = Działam tylko w czatach prywatnych, więc opuszczam ten czat. Napisz do mnie bezpośrednio.
slow-down = Wysyłasz wiadomości zbyt szybko. Poczekaj chwilę; wiadomości wysłane w tym czasie są pomijane.
not-allowed = Twoja rola na to nie pozwala.

cancelled = Anulowano. Nic nie zostało zapisane.
nothing-to-cancel = Nie ma czego anulować.
flow-unexpected = Czekam tu na coś innego. Odpowiedz na ostatnie pytanie albo wyślij /cancel, aby przerwać.
button-outdated = Ten przycisk jest nieaktualny. Otwórz produkt ponownie albo powtórz komendę.

stale-gone = Ten produkt już nie istnieje.
stale-archived = Ten produkt jest zarchiwizowany; jego przyciski już nie działają.
stale-version = Ktoś zmienił ten produkt od czasu wyświetlenia karty. Oto aktualna karta.

error-unexpected = Przepraszamy, coś poszło nie tak po naszej stronie. Administratorzy zostali powiadomieni; spróbuj ponownie później.
error-domain = Tego nie można zrobić.
error-validation = Wartość jest nieprawidłowa.
error-image = Tego pliku nie można użyć jako zdjęcia.
error-not_found = To już nie istnieje.
error-conflict = To koliduje z innym produktem.
error-stale_version = Ktoś w międzyczasie zmienił ten produkt. Sprawdź aktualną kartę i spróbuj ponownie.
error-insufficient_stock = W { $warehouse } dostępne tylko { $available }; żądano { $requested }.
error-permission_denied = Twoja rola na to nie pozwala.
error-sku_empty = SKU jest puste.
error-sku_too_long = SKU ma { $length } znaków; dozwolone najwyżej { $max_length }.
error-sku_chars = SKU zawiera niedozwolone znaki: { $chars }. Dozwolone: litery A–Z, cyfry, „-”, „_”, „.”, „/”.
error-sku_taken = SKU { $value } jest już używane przez { $other_name } ({ $other_sku }).
error-ean_digits = EAN „{ $value }” może zawierać tylko cyfry; znaleziono { $chars }.
error-ean_length = EAN „{ $value }” ma { $length } cyfr; EAN ma 8, 12, 13 lub 14 cyfr.
error-ean_checksum = EAN „{ $value }” ma błędną cyfrę kontrolną (oczekiwano { $expected }): któraś cyfra jest źle wpisana.
error-ean_taken = EAN { $value } należy już do { $other_name } ({ $other_sku }).
error-name_empty = Nazwa jest pusta.
error-name_chars = Nazwa zawiera znaki sterujące: { $chars }.
error-name_too_long = Nazwa ma { $length } znaków; dozwolone najwyżej { $max_length }.
error-race = W tej samej chwili zapisano inny produkt z tym SKU lub EAN. Spróbuj ponownie.
error-archive_with_stock = { $sku } ma jeszcze { $on_hand } szt. na stanie: najpierw je spisz lub policz.
error-quantity_not_integer = „{ $value }” nie jest liczbą całkowitą.
error-quantity_not_positive = Ilość musi wynosić co najmniej 1.
error-quantity_too_large = Ilość przekracza maksimum { $maximum }.
error-count_not_integer = „{ $value }” nie jest liczbą całkowitą.
error-count_negative = Wynik liczenia nie może być ujemny.
error-count_too_large = Wynik liczenia przekracza maksimum { $maximum }.
error-language = Nieznany język.
error-not_an_image = Ten plik nie jest obrazem. Wyślij zdjęcie (JPEG, PNG, WebP lub HEIC).
error-image_format = Obrazy w formacie { $format } nie są przyjmowane. Wyślij JPEG, PNG, WebP lub HEIC.
error-image_corrupt = Obraz jest uszkodzony lub niekompletny. Zrób lub wyeksportuj go ponownie.
error-image_too_large = Zdjęcie ma { $size_mb } MB; przyjmujemy najwyżej { $max_mb } MB.
error-decompression_bomb = Obraz ma zbyt wiele pikseli, by go bezpiecznie przetworzyć.
error-file_too_large = Plik ma { $size_mb } MB; przyjmujemy najwyżej { $max_mb } MB.
error-telegram_file_too_big = Telegram nie przekazuje botom plików większych niż { $max_mb } MB. Wyślij mniejszy plik.

alert-bot-error = ⚠️ Bot napotkał błąd podczas obsługi { $update_kind } od użytkownika { $user }: { $error }. Szczegóły są w logu.

cmd-start = Start
cmd-help = Co potrafi ten bot
cmd-language = Zmień język
cmd-cancel = Anuluj bieżącą czynność
