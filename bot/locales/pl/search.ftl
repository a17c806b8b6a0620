search-results = Znaleziono { $total } produktów dla „{ $query }” — strona { $page }/{ $pages }. Stuknij, aby otworzyć.
search-nothing = Nic nie znaleziono dla „{ $query }”.
    Spróbuj: dokładne SKU, EAN z etykiety (8–14 cyfr), jedno lub dwa słowa z nazwy („lodz” znajdzie „Łódź”) albo zdjęcie kodu kreskowego.
search-hint = Wyślij SKU, EAN, słowa z nazwy produktu albo zdjęcie kodu kreskowego.
search-outdated = Ta lista jest nieaktualna. Wyszukaj ponownie.
barcode-unreadable = Nie udało się odczytać kodu kreskowego z tego zdjęcia. Zrób je z bliska, ostro i w dobrym świetle, z całym kodem w kadrze — albo wpisz cyfry spod kresek.
barcode-unknown = Odczytałem { $codes }, ale żaden produkt nie ma tego kodu.
