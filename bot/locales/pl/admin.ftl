### Administracja: użytkownicy i magazyny.

admin-command = Użytkownicy i magazyny (administratorzy)
admin-menu = ⚙️ <b>Administracja</b>
    Czym chcesz zarządzać?
admin-btn-users = 👥 Użytkownicy
admin-btn-warehouses = 🏬 Magazyny
admin-btn-back = ‹ Wstecz

admin-users-title = 👥 <b>Użytkownicy</b>
admin-unnamed = użytkownik { $telegram_id }
admin-role-admin = administrator
admin-role-staff = pracownik
admin-status-active = aktywny
admin-status-inactive = dezaktywowany
admin-user-card = 👤 <b>{ $name }</b>
    Id w Telegramie: <code>{ $telegram_id }</code>
    Rola: { $role }
    Status: { $status }
admin-btn-add-user = ➕ Dodaj użytkownika
admin-btn-make-admin = ⬆️ Nadaj rolę administratora
admin-btn-make-staff = ⬇️ Zmień na pracownika
admin-btn-deactivate = ⛔ Dezaktywuj
admin-btn-activate = ✅ Aktywuj
admin-role-changed = { $name } ma teraz rolę: { $role }.
admin-deactivated = { $name } nie może już korzystać z bota.
admin-activated = { $name } znów może korzystać z bota.

admin-ask-user = Wyślij numeryczny identyfikator tej osoby w Telegramie albo prześlij mi dowolną wiadomość, którą napisała.
    (Swój identyfikator zobaczy, gdy napisze do tego bota.)
admin-forward-hidden = { $name } ukrywa swoje konto w przesyłanych wiadomościach, więc Telegram nie pokazuje mi identyfikatora.
    Poproś tę osobę, żeby napisała do tego bota: odpowie jej identyfikatorem. Potem wyślij mi tę liczbę.
admin-forward-not-person = Ta wiadomość pochodzi z czatu lub kanału, a nie od osoby. Prześlij wiadomość napisaną przez tę osobę albo wyślij jej identyfikator.
admin-forward-bot = To jest bot: boty nie mogą korzystać z tego bota. Prześlij wiadomość od osoby albo wyślij jej identyfikator.
admin-bad-id = „{ $text }” to nie jest identyfikator Telegrama. Wyślij same cyfry (np. 123456789) albo prześlij wiadomość od tej osoby.
admin-pick-role = Dodać { $name } (<code>{ $telegram_id }</code>) jako:
admin-known-user = Już znany: { $role }, { $status }. Wybrana rola zastąpi obecną.
admin-btn-role-staff = 👷 Pracownik
admin-btn-role-admin = 🛠 Administrator
admin-user-added = ✅ { $name } (<code>{ $telegram_id }</code>) może już korzystać z bota jako { $role }.

admin-warehouses-title = 🏬 <b>Magazyny</b>
admin-no-warehouses = Nie ma jeszcze magazynów.
admin-btn-add-warehouse = ➕ Dodaj magazyn
admin-warehouse-deactivated = { $code } jest dezaktywowany: nie można do niego niczego przyjąć ani przesunąć.
admin-warehouse-activated = { $code } znów jest aktywny.
admin-ask-warehouse-code = Wyślij kod nowego magazynu: 1–16 liter, cyfr, „-” lub „_” (np. WH2).
admin-ask-warehouse-name = Teraz wyślij nazwę magazynu { $code } (np. Hala główna).
admin-warehouse-added = ✅ Dodano magazyn { $code } — { $name }.

error-last_admin = To ostatni aktywny administrator. Najpierw nadaj rolę administratora komuś innemu.
error-telegram_id = { $value } to nie jest identyfikator użytkownika Telegrama.
error-warehouse_code = Kod magazynu „{ $value }” jest nieprawidłowy: użyj 1–16 liter, cyfr, „-” lub „_”.
error-warehouse_name = Magazyn potrzebuje nazwy o długości 1–128 znaków.
error-warehouse_taken = Magazyn { $value } już istnieje.
