"""A refused CSV import explains every problem in the admin's language, the file's own problems and
the wrapped SKU/EAN rules alike (the command line prints the same problems in English)."""

from __future__ import annotations

from domain.models import Role
from tests.e2e.conftest import BotHarness
from tests.integration.test_csv_io import PROBLEMS_CSV

ENGLISH_FRAGMENTS = ("needs a warehouse code", "is named", "check digit", "not allowed", "line ")


async def test_problems_are_shown_in_polish(bot_app: BotHarness) -> None:
    admin = await bot_app.add_user(Role.ADMIN, language_code="pl")
    reply = await admin.send_document(PROBLEMS_CSV, "dostawa.csv", "text/csv")
    text = reply.text or ""
    assert "Pliku nie zaimportowano" in text
    assert "wiersz 3: SKU zawiera niedozwolone znaki" in text
    assert "wiersz 4: EAN „4006381333932” ma błędną cyfrę kontrolną" in text
    assert "wiersz 5: Ilość 4 wymaga kodu magazynu." in text
    assert "wiersz 6: SKU OK-1 ma tu nazwę „Kubek duży”, a w wierszu 2 „Kubek”." in text
    assert not [fragment for fragment in ENGLISH_FRAGMENTS if fragment in text]


async def test_database_problems_are_shown_in_russian(bot_app: BotHarness) -> None:
    await bot_app.add_warehouse("MAIN")
    await bot_app.add_product("MUG-1", "Кружка", eans=["5901234123457"])
    admin = await bot_app.add_user(Role.ADMIN, language_code="ru")
    data = (
        "sku,name,ean,warehouse,quantity\n"
        "NEW-1,Тарелка,5901234123457,MAIN,1\n"
        "NEW-2,Ложка,,NOWHERE,2\n"
        "NEW-3,Вилка,,,\n"
    ).encode()
    reply = await admin.send_document(data, "приход.csv", "text/csv")
    text = reply.text or ""
    assert "Файл не импортирован" in text
    assert "строка 2: EAN 5901234123457 уже принадлежит товару Кружка (MUG-1)." in text
    assert "строка 3: Неизвестный код склада NOWHERE. Известные коды: MAIN." in text
    assert "строка 4" not in text
    assert not [fragment for fragment in ENGLISH_FRAGMENTS if fragment in text]
