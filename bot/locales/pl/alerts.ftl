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

alert-job-failed = ⚠️ <b>{ $target }</b>: zadanie { $job } nie powiodło się.
    { $error }
    Dam znać, gdy znów zadziała; do tego czasu nie będzie kolejnych wiadomości o tym.
alert-job-recovered = ✅ <b>{ $target }</b> znów działa (zadanie { $job }; awaria trwała { $minutes } min).
alert-low-stock = 📉 Niski stan: <code>{ $sku }</code> { $name } — zostało { $available } (próg { $threshold }).
alert-out-of-stock = 🚫 Brak na stanie: <code>{ $sku }</code> { $name } — nie ma już czego sprzedawać.
alert-reconnect = 🔌 Przypomnienie: <b>{ $account }</b> nadal wymaga ponownego połączenia. Do tego czasu zamówienia nie są importowane, a stany nie są tam wysyłane.
alert-summary = 🔕 Wstrzymano jeszcze { $count } alertów, aby nie zalać czatu ({ $kinds }). /status pokazuje bieżący stan.
alert-digest = 📋 <b>Dzienne podsumowanie za { $day }</b>
    <b>Sprzedaż</b> (sprzedane / zwrócone, zamówienia):
    { $sales }
    <b>Braki</b>: { $stockouts_count } — { $stockouts }
    <b>Niski stan</b>: { $low_count } — { $low }
    <b>Nieudane synchronizacje</b>: { $failed_count }
    { $failed }
    <b>Korekty</b>: { $counts } inwentaryzacji (netto { $count_delta }), { $write_offs } odpisów ({ $written_off } szt.)
