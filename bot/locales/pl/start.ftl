welcome-staff = Cześć, { $name }! Wyślij SKU, EAN, słowa z nazwy produktu albo zdjęcie kodu kreskowego, a pokażę produkt.
welcome-admin = Cześć, { $name }! Wyślij SKU, EAN, słowa z nazwy produktu albo zdjęcie kodu kreskowego, a pokażę produkt.
    Jesteś administratorem: /new tworzy produkt; wyślij plik CSV, aby zaimportować produkty.
help-staff = <b>Co potrafię</b>
    • Wyślij SKU lub EAN: otworzy się karta produktu.
    • Wyślij słowa z nazwy: lista pasujących produktów.
    • Wyślij zdjęcie kodu kreskowego: otworzy się karta produktu.
    • Na karcie: przyjęcie, przesunięcie, liczenie, historia.
    /language zmienia język, /cancel przerywa bieżącą czynność.
help-admin = <b>Co potrafię</b>
    • Wyślij SKU lub EAN: otworzy się karta produktu.
    • Wyślij słowa z nazwy: lista pasujących produktów.
    • Wyślij zdjęcie kodu kreskowego: otworzy się karta produktu.
    • Na karcie: przyjęcie, przesunięcie, liczenie, spisanie, historia, zmiana SKU / nazwy / EAN / zdjęcia, archiwizacja.
    • /new tworzy produkt; plik CSV (sku,name,ean,warehouse,quantity) importuje produkty.
    /language zmienia język, /cancel przerywa bieżącą czynność.
language-choose = Wybierz język:
language-set = Język zmieniony na polski.
language-name = Polski
unknown-command = Nie znam tej komendy. /help pokazuje, co potrafię.
