### Alerty dla administratorów (zadania w tle, stany, kanały) i /alerts, gdzie każdy wycisza rodzaje.

alerts-command = Wybierz, które alerty dostajesz (administratorzy)
alerts-settings = 🔔 <b>Alerty</b>
    Dotknij rodzaju, aby go dla siebie wyciszyć lub włączyć. 🔔 = dostajesz, 🔕 = wyciszone.
alerts-kind-job_failed = Nieudane zadania w tle i ich powrót do działania
alerts-kind-token_reconnect = Konta do ponownego połączenia
alerts-kind-unknown_sku = Zamówienia z nieznanym SKU
alerts-kind-oversell = Zamówienia większe niż stan
alerts-kind-low_stock = Niski stan i braki
alerts-kind-push_failed = Stany, które nie dotarły do kanału
alerts-kind-digest = Dzienne podsumowanie
alerts-muted = Wyciszone: { $kind }
alerts-unmuted = Znowu dostajesz: { $kind }
alerts-btn-retry = 🔁 Ponów teraz
alerts-btn-reconnect = 🔌 Połącz ponownie
alerts-retrying = Wysyłam stany ponownie.
alerts-reconnect-how = Aby połączyć konto ponownie, otwórz /allegro (konta Allegro) i wybierz Połącz; bot przeprowadzi cię przez logowanie w Allegro.

alert-job-failed = ⚠️ <b>{ $target }</b>: zadanie { $job } nie powiodło się.
    { $error }
    Dam znać, gdy znów zadziała; do tego czasu nie będzie kolejnych wiadomości o tym.
alert-job-recovered = ✅ <b>{ $target }</b> znów działa (zadanie { $job }; awaria trwała { $minutes } min).
alert-push-failed = ⚠️ Stany { $failed } produktów nie dotarły do <b>{ $account }</b>. Czekają w kolejce i zostaną wysłane przy następnej synchronizacji.
alert-unknown-sku = ❓ <b>{ $account }</b>: zamówienie { $order } ma pozycję z SKU <code>{ $sku }</code> ({ $offer }, { $quantity } szt.), którego nie ma żaden produkt. Utwórz produkt lub popraw SKU w kanale; pozycja zostanie rozliczona, gdy SKU będzie znane.
alert-oversell = ❗ <b>{ $account }</b>: zamówienie { $order } sprzedało { $quantity } szt. <code>{ $sku }</code>, ale { $shortage } szt. nie było na stanie. Sprawdź półkę i w razie potrzeby skontaktuj się z kupującym.
alert-low-stock = 📉 Niski stan: <code>{ $sku }</code> { $name } — zostało { $available } (próg { $threshold }).
alert-out-of-stock = 🚫 Brak na stanie: <code>{ $sku }</code> { $name } — nie ma już czego sprzedawać.
alert-reconnect = 🔌 <b>{ $account }</b> wymaga ponownego połączenia: dostęp został odrzucony. Do tego czasu zamówienia nie są importowane, a stany nie są tam wysyłane.
alert-summary = 🔕 Wstrzymano jeszcze { $count } alertów, aby nie zalać czatu ({ $kinds }). /status pokazuje bieżący stan.
alert-digest = 📋 <b>Dzienne podsumowanie za { $day }</b>
    <b>Sprzedaż</b> (sprzedane / zwrócone, zamówienia):
    { $sales }
    <b>Braki</b>: { $stockouts_count } — { $stockouts }
    <b>Niski stan</b>: { $low_count } — { $low }
    <b>Nieudane synchronizacje</b>: { $failed_count }
    { $failed }
    <b>Korekty</b>: { $counts } inwentaryzacji (netto { $count_delta }), { $write_offs } odpisów ({ $written_off } szt.)
