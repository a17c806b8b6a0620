### /sync: pełne uzgodnienie kanałów teraz, z postępem na żywo i raportem.

sync-command = Uzgodnij kanały teraz (administratorzy)
sync-choose = 🔄 Co mam teraz uzgodnić z magazynem?
sync-btn-all = Wszystkie kanały
sync-no-channels = Żadne konto kanału nie jest połączone, więc nie ma czego uzgadniać.
sync-running-already = ⏳ Uzgadnianie już trwa. Jego postęp:
sync-progress-title = 🔄 <b>Uzgadnianie</b> (start { $started })
sync-target-waiting = ⌛ { $account } — w kolejce
sync-target-starting = ⏳ { $account } — rozpoczynanie…
sync-target-running = ⏳ { $account } — { $done } / { $total }
sync-target-done = ✅ { $account } — sprawdzone { $checked }, zaktualizowane { $updated }, bez zmian { $unchanged }, brakujące { $missing }, błędy { $failed }
sync-target-failed = ❌ { $account } — { $error }
sync-report-title = ✅ <b>Uzgadnianie zakończone</b> w { $seconds } s
sync-report-problems = ⚠️ <b>Uzgadnianie zakończone z problemami</b> w { $seconds } s
sync-report-totals = Sprawdzone: { $checked } · zaktualizowane: { $updated } · bez zmian: { $unchanged } · brak w kanale: { $missing } · błędy: { $failed }
sync-btn-problems = Problematyczne SKU ({ $count })
sync-problems-title = <b>Problematyczne SKU</b>
sync-problem-line = • { $account } — <code>{ $sku }</code>: { $reason }
sync-report-gone = Ten raport nie jest już przechowywany. Uruchom /sync ponownie.
