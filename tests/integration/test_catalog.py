"""Catalog on both engines: create, edit each field, conflicts, optimistic locking, archive, restore."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from domain.catalog import Catalog, InitialStock
from domain.db import Database
from domain.errors import ConflictError, NotFoundError, StaleVersionError, ValidationError
from domain.images import ProcessedImage, process_photo
from domain.inventory import Inventory
from domain.models import OperationType, ProductImage
from tests.integration.seed import ACTOR, EAN, OTHER_EAN, UPC_A, levels, operations, seed, stock


def _photo(colour: str) -> ProcessedImage:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(buffer, "PNG")
    return process_photo(buffer.getvalue())


async def test_create_with_eans_photo_and_initial_stock(db: Database) -> None:
    base = await seed(db, sku="BASE-1")
    photo = _photo("red")
    async with db.transaction() as session:
        product = await Catalog(session).create(
            ACTOR,
            sku="  Cup-2 ",
            name="  Kubek   ŻÓŁW ",
            eans=[OTHER_EAN, UPC_A, "0036000291452"],
            image=photo,
            initial_stock=[InitialStock(base.main, 4), InitialStock(base.second, 2)],
        )
    assert (product.sku, product.name, product.version) == ("Cup-2", "Kubek ŻÓŁW", 1)
    # The 0-prefixed EAN-13 is the UPC-A again: kept once, as first spelled.
    assert [row.ean for row in product.eans] == [OTHER_EAN, UPC_A]
    assert levels(await stock(db, product.id)) == {base.main: (4, 0), base.second: (2, 0)}
    async with db.transaction() as session:
        image = await session.get(ProductImage, product.id)
        assert image is not None and (image.width, image.height) == (300, 200)

    created = [op for op in await operations(db) if op.product_id == product.id]
    assert [op.type for op in created] == [
        OperationType.PRODUCT_CREATE,
        OperationType.RECEIPT,
        OperationType.RECEIPT,
    ]
    assert created[0].changes is not None
    assert created[0].changes["sku"] == [None, "Cup-2"]
    assert created[0].changes["name"] == [None, "Kubek ŻÓŁW"]
    assert created[0].changes["eans"] == [[], [OTHER_EAN, UPC_A]]
    assert created[0].changes["photo"][0] is None and len(created[0].changes["photo"][1]) == 12
    assert [(op.warehouse_id, op.quantity_delta) for op in created[1:]] == [(base.main, 4), (base.second, 2)]
    assert all(op.sku == "Cup-2" and op.actor == "cli" for op in created)


@pytest.mark.parametrize(
    ("field", "value", "expected_old", "expected_new"),
    [
        ("sku", "mug-2", "MUG-1", "mug-2"),
        ("name", "Kubek  zielony", "Łódź mug", "Kubek zielony"),
        ("eans", [OTHER_EAN, EAN], [EAN], [OTHER_EAN, EAN]),
    ],
)
async def test_edit_each_field_logs_old_and_new(
    db: Database, field: str, value: object, expected_old: object, expected_new: object
) -> None:
    seeded = await seed(db)
    async with db.transaction() as session:
        product = await Catalog(session).edit(ACTOR, seeded.product_id, 1, **{field: value})  # type: ignore[arg-type]
    assert product.version == 2
    edits = await operations(db, OperationType.PRODUCT_EDIT)
    assert len(edits) == 1
    assert edits[0].changes == {field: [expected_old, expected_new]}
    assert edits[0].sku == product.sku


async def test_edit_name_refreshes_search_and_sku_rename_keeps_history_snapshot(db: Database) -> None:
    seeded = await seed(db)
    async with db.transaction() as session:
        await Catalog(session).edit(ACTOR, seeded.product_id, 1, sku="NEW-1", name="Żółty kubek")
    async with db.transaction() as session:
        catalog = Catalog(session)
        assert await catalog.by_sku("MUG-1") is None
        renamed = await catalog.by_sku("new-1")
        assert renamed is not None and renamed.name_search == "zolty kubek new 1"
    created, edited = await operations(db, OperationType.PRODUCT_CREATE, OperationType.PRODUCT_EDIT)
    assert (created.sku, edited.sku) == ("MUG-1", "NEW-1")
    assert edited.changes == {"sku": ["MUG-1", "NEW-1"], "name": ["Łódź mug", "Żółty kubek"]}


async def test_edit_photo_logs_old_and_new_tag(db: Database) -> None:
    seeded = await seed(db)
    first, second = _photo("red"), _photo("blue")
    async with db.transaction() as session:
        await Catalog(session).set_photo(ACTOR, seeded.product_id, 1, first)
    async with db.transaction() as session:
        product = await Catalog(session).set_photo(ACTOR, seeded.product_id, 2, second)
        assert product.version == 3
    edits = await operations(db, OperationType.PRODUCT_EDIT)
    assert [op.changes["photo"][0] is None for op in edits if op.changes] == [True, False]
    assert edits[1].changes is not None and edits[1].changes["photo"][0] == edits[0].changes["photo"][1]  # type: ignore[index]
    async with db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(ProductImage))
        assert count == 1


async def test_no_op_edit_writes_nothing(db: Database) -> None:
    seeded = await seed(db)
    async with db.transaction() as session:
        product = await Catalog(session).edit(
            ACTOR, seeded.product_id, 1, sku=" MUG-1 ", name="Łódź  mug", eans=[EAN]
        )
        assert product.version == 1
    assert await operations(db, OperationType.PRODUCT_EDIT) == []


async def test_duplicate_sku_is_case_insensitive(db: Database) -> None:
    await seed(db)
    async with db.transaction() as session:
        with pytest.raises(ConflictError, match="mug-1") as caught:
            await Catalog(session).create(ACTOR, sku="mug-1", name="Another")
    assert caught.value.params["reason"] == "sku_taken"
    assert caught.value.params["other_sku"] == "MUG-1"


async def test_editing_sku_onto_another_product_conflicts(db: Database) -> None:
    seeded = await seed(db)
    async with db.transaction() as session:
        other = await Catalog(session).create(ACTOR, sku="CUP-9", name="Cup")
    async with db.transaction() as session:
        with pytest.raises(ConflictError, match="Mug-1"):
            await Catalog(session).edit(ACTOR, other.id, 1, sku="Mug-1")
    assert (await operations(db, OperationType.PRODUCT_EDIT)) == []
    assert seeded.product_id != other.id


@pytest.mark.parametrize(
    ("existing", "duplicate"), [(EAN, EAN), (UPC_A, "0036000291452"), ("0036000291452", UPC_A)]
)
async def test_duplicate_ean_conflicts_naming_the_value(db: Database, existing: str, duplicate: str) -> None:
    await seed(db, eans=[existing])
    async with db.transaction() as session:
        with pytest.raises(ConflictError, match=f"EAN {duplicate} ") as caught:
            await Catalog(session).create(ACTOR, sku="CUP-2", name="Cup", eans=[OTHER_EAN, duplicate])
    assert caught.value.params["reason"] == "ean_taken"
    assert caught.value.params["value"] == duplicate
    assert (caught.value.params["other_ean"], caught.value.params["other_sku"]) == (existing, "MUG-1")


async def test_edit_eans_onto_another_products_ean_conflicts(db: Database) -> None:
    await seed(db, eans=[UPC_A])
    async with db.transaction() as session:
        other = await Catalog(session).create(ACTOR, sku="CUP-2", name="Cup", eans=[OTHER_EAN])
    async with db.transaction() as session:
        with pytest.raises(ConflictError, match="0036000291452"):
            await Catalog(session).edit(ACTOR, other.id, 1, eans=["0036000291452"])


async def test_invalid_values_are_refused_before_anything_is_written(db: Database) -> None:
    seeded = await seed(db)
    async with db.transaction() as session:
        catalog = Catalog(session)
        with pytest.raises(ValidationError, match="4006381333932"):
            await catalog.create(ACTOR, sku="CUP-2", name="Cup", eans=["4006381333932"])
        with pytest.raises(ValidationError, match="SKU"):
            await catalog.create(ACTOR, sku="bad sku", name="Cup")
        with pytest.raises(ValidationError):
            await catalog.edit(ACTOR, seeded.product_id, 1, name="   ")
    assert len(await operations(db)) == 1  # the seed's PRODUCT_CREATE


async def test_stale_version_is_refused(db: Database) -> None:
    seeded = await seed(db)
    async with db.transaction() as session:
        await Catalog(session).edit(ACTOR, seeded.product_id, 1, name="First")
    async with db.transaction() as session:
        with pytest.raises(StaleVersionError):
            await Catalog(session).edit(ACTOR, seeded.product_id, 1, name="Second")
        with pytest.raises(StaleVersionError):
            await Catalog(session).set_photo(ACTOR, seeded.product_id, 1, _photo("red"))
        with pytest.raises(StaleVersionError):
            await Catalog(session).archive(ACTOR, seeded.product_id, 1)


async def test_ean_only_edit_bumps_the_version(db: Database) -> None:
    seeded = await seed(db)
    async with db.transaction() as session:
        product = await Catalog(session).edit(ACTOR, seeded.product_id, 1, eans=[OTHER_EAN])
        assert product.version == 2
    async with db.transaction() as session:
        with pytest.raises(StaleVersionError):
            await Catalog(session).edit(ACTOR, seeded.product_id, 1, name="Based on what I saw before")


async def test_concurrent_edit_is_caught_by_the_version_column(db: Database, pg_only: None) -> None:
    seeded = await seed(db)
    async with db.transaction() as slow:
        loaded = await Catalog(slow).get(seeded.product_id)
        assert loaded.version == 1
        async with db.transaction() as fast:
            await Catalog(fast).edit(ACTOR, seeded.product_id, 1, name="Fast")
        with pytest.raises(StaleVersionError):
            await Catalog(slow).edit(ACTOR, seeded.product_id, 1, name="Slow")
    assert [op.changes for op in await operations(db, OperationType.PRODUCT_EDIT)] == [
        {"name": ["Łódź mug", "Fast"]}
    ]


async def test_archive_is_refused_while_stock_is_on_hand(db: Database) -> None:
    seeded = await seed(db, on_hand=3)
    async with db.transaction() as session:
        with pytest.raises(ValidationError, match="3 units") as caught:
            await Catalog(session).archive(ACTOR, seeded.product_id, 1)
    assert caught.value.params["reason"] == "archive_with_stock"
    assert await operations(db, OperationType.PRODUCT_ARCHIVE) == []


async def test_archive_and_restore(db: Database) -> None:
    seeded = await seed(db, on_hand=3)
    async with db.transaction() as session:
        await Inventory(session).write_off(ACTOR, seeded.product_id, seeded.main, 3, "damaged")
        product = await Catalog(session).archive(ACTOR, seeded.product_id, 1)
        assert product.archived
    async with db.transaction() as session:
        catalog = Catalog(session)
        with pytest.raises(NotFoundError):
            await catalog.get(seeded.product_id, allow_archived=False)
        with pytest.raises(NotFoundError):
            await catalog.edit(ACTOR, seeded.product_id, None, name="Edited while archived")
        with pytest.raises(NotFoundError):
            await Inventory(session).receive(ACTOR, seeded.product_id, seeded.main, 1)
    async with db.transaction() as session:
        restored = await Catalog(session).restore(ACTOR, seeded.product_id)
        assert not restored.archived
        assert (await Catalog(session).restore(ACTOR, seeded.product_id)) is restored  # already active
    ops = await operations(db, OperationType.PRODUCT_ARCHIVE, OperationType.PRODUCT_RESTORE)
    assert [(op.type, op.changes) for op in ops] == [
        (OperationType.PRODUCT_ARCHIVE, {"archived": [False, True]}),
        (OperationType.PRODUCT_RESTORE, {"archived": [True, False]}),
    ]


async def test_lookups_by_sku_and_ean(db: Database) -> None:
    seeded = await seed(db, eans=[UPC_A])
    async with db.transaction() as session:
        catalog = Catalog(session)
        by_sku = await catalog.by_sku(" mug-1 ")
        by_ean = await catalog.by_ean("0036000291452")
        assert by_sku is not None and by_ean is not None
        assert by_sku.id == by_ean.id == seeded.product_id
        assert await catalog.by_sku("NOPE") is None
        with pytest.raises(NotFoundError):
            await catalog.get(10_000)
        await catalog.remember_telegram_file_id(seeded.product_id, "ignored: no photo yet")
        assert await catalog.image(seeded.product_id) is None
