"""Products: create, edit (SKU, name, EANs, photo), archive, restore.

Edits carry the version the user saw; a mismatch is a `StaleVersionError` ("someone changed it
meanwhile"), and the mapper's version column catches the race between two transactions as well.
Every change writes one operation with `changes = {field: [old, new]}`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from domain.actors import Actor
from domain.db import mark_stock_changed
from domain.errors import ConflictError, NotFoundError, StaleVersionError, ValidationError
from domain.images import ProcessedImage
from domain.inventory import Inventory
from domain.models import OperationType, Product, ProductEan, ProductImage, Stock
from domain.oplog import log_operation
from domain.validation import gtin_key, normalize_gtin, normalize_name, normalize_sku, search_key, sku_key


def name_search_text(name: str, sku: str) -> str:
    return search_key(f"{name} {sku}")[:400]


@dataclass(frozen=True, slots=True)
class InitialStock:
    warehouse_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class PhotoRef:
    """A product's photo as a card needs it: Telegram's id of it once sent, None until then."""

    telegram_file_id: str | None


# A card's read of its product: the EANs joined in and the photo's file id beside them. Built once, with a
# bound parameter, as the statements of domain.inventory are: building it costs more than the round trip.
_WITH_PHOTO = (
    select(Product, ProductImage.product_id, ProductImage.telegram_file_id)
    .outerjoin(ProductImage, ProductImage.product_id == Product.id)
    .options(joinedload(Product.eans))
    .where(Product.id == bindparam("product_id"))
)


def _not_found(product_id: int) -> NotFoundError:
    return NotFoundError(f"product {product_id} does not exist", entity="product", id=product_id)


class Catalog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- reading -------------------------------------------------------------------------------

    async def find(self, product_id: int) -> Product | None:
        """The product (archived ones too), None if there is none."""
        # One statement with the EANs joined in, where `lazy="selectin"` would send a second one.
        return await self.session.get(Product, product_id, options=[joinedload(Product.eans)])

    async def get(self, product_id: int, *, allow_archived: bool = True) -> Product:
        product = await self.find(product_id)
        if product is None or (product.archived and not allow_archived):
            raise _not_found(product_id)
        return product

    async def get_with_photo(self, product_id: int) -> tuple[Product, PhotoRef | None]:
        """The product (archived ones too) with its EANs and its photo's reference, in one statement.

        Unlike `get` it always reads, so it also fills in the EANs of a product a search listed."""
        result = await self.session.execute(_WITH_PHOTO, {"product_id": product_id})
        row = result.unique().first()  # one row per EAN, all of the same product
        if row is None:
            raise _not_found(product_id)
        product, image_id, file_id = row
        return product, (PhotoRef(file_id) if image_id is not None else None)

    async def by_sku(self, sku: str) -> Product | None:
        return await self.session.scalar(select(Product).where(Product.sku_key == sku_key(sku)))

    async def by_ean(self, ean: str) -> Product | None:
        return await self.session.scalar(
            select(Product).join(ProductEan).where(ProductEan.ean_key == gtin_key(ean))
        )

    async def image(self, product_id: int) -> ProductImage | None:
        return await self.session.get(ProductImage, product_id)

    # --- checks --------------------------------------------------------------------------------

    async def _ensure_sku_free(self, sku: str, product_id: int | None = None) -> None:
        other = await self.by_sku(sku)
        if other is not None and other.id != product_id:
            raise ConflictError(
                f"SKU {sku} is already used by product “{other.name}” ({other.sku})",
                reason="sku_taken",
                value=sku,
                other_sku=other.sku,
                other_name=other.name,
            )

    async def _ensure_eans_free(self, eans: Sequence[str], product_id: int | None = None) -> None:
        if not eans:
            return
        typed = {gtin_key(ean): ean for ean in eans}
        rows = await self.session.execute(
            select(ProductEan.ean_key, ProductEan.ean, Product.sku, Product.name, Product.id)
            .join(Product)
            .where(ProductEan.ean_key.in_(list(typed)))
        )
        for key, stored, other_sku, other_name, other_id in rows.all():
            if other_id != product_id:
                # Name the code as the user typed it; a UPC-A matching a 0-prefixed EAN-13 shows both.
                ean = typed[key]
                spelled = "" if stored == ean else f" (as {stored})"
                raise ConflictError(
                    f"EAN {ean} already belongs to product {other_sku} (“{other_name}”){spelled}",
                    reason="ean_taken",
                    value=ean,
                    other_ean=stored,
                    other_sku=other_sku,
                    other_name=other_name,
                )

    @staticmethod
    def _check_version(product: Product, expected_version: int | None) -> None:
        if expected_version is not None and product.version != expected_version:
            raise StaleVersionError(
                f"product {product.sku} was changed by someone else meanwhile",
                sku=product.sku,
                expected=expected_version,
                actual=product.version,
            )

    async def _flush(self) -> None:
        try:
            await self.session.flush()
        except StaleDataError as exc:
            raise StaleVersionError("the product was changed by someone else meanwhile") from exc
        except IntegrityError as exc:
            # The checks above ran first; this is a concurrent insert of the same SKU/EAN.
            raise ConflictError(
                "another product with this SKU or EAN was saved at the same moment", reason="race"
            ) from exc

    # --- writing -------------------------------------------------------------------------------

    async def create(
        self,
        actor: Actor,
        *,
        sku: str,
        name: str,
        eans: Sequence[str] = (),
        image: ProcessedImage | None = None,
        initial_stock: Sequence[InitialStock] = (),
    ) -> Product:
        sku = normalize_sku(sku)
        name = normalize_name(name)
        codes = _dedupe([normalize_gtin(ean) for ean in eans])
        await self._ensure_sku_free(sku)
        await self._ensure_eans_free(codes)
        product = Product(
            sku=sku,
            sku_key=sku_key(sku),
            name=name,
            name_search=name_search_text(name, sku),
            eans=[ProductEan(ean=code, ean_key=gtin_key(code), position=i) for i, code in enumerate(codes)],
        )
        self.session.add(product)
        await self._flush()
        changes: dict[str, list[Any]] = {"sku": [None, sku], "name": [None, name]}
        if codes:
            changes["eans"] = [[], codes]
        if image is not None:
            self.session.add(_image_row(product.id, image))
            changes["photo"] = [None, _image_tag(image)]
        log_operation(self.session, actor, OperationType.PRODUCT_CREATE, product, changes=changes)
        if initial_stock:
            inventory = Inventory(self.session)
            for entry in initial_stock:
                await inventory.receive(actor, product.id, entry.warehouse_id, entry.quantity)
        await self._flush()
        return product

    async def edit(
        self,
        actor: Actor,
        product_id: int,
        expected_version: int | None,
        *,
        sku: str | None = None,
        name: str | None = None,
        eans: Sequence[str] | None = None,
    ) -> Product:
        """Change any of SKU, name, EANs; unchanged fields are not logged. No change → no operation."""
        product = await self.get(product_id, allow_archived=False)
        self._check_version(product, expected_version)
        changes: dict[str, list[Any]] = {}
        if sku is not None:
            new_sku = normalize_sku(sku)
            if new_sku != product.sku:
                await self._ensure_sku_free(new_sku, product.id)
                changes["sku"] = [product.sku, new_sku]
                product.sku = new_sku
                product.sku_key = sku_key(new_sku)
        if name is not None:
            new_name = normalize_name(name)
            if new_name != product.name:
                changes["name"] = [product.name, new_name]
                product.name = new_name
        if eans is not None:
            codes = _dedupe([normalize_gtin(ean) for ean in eans])
            old = [row.ean for row in product.eans]
            if [gtin_key(c) for c in codes] != [gtin_key(c) for c in old]:
                await self._ensure_eans_free(codes, product.id)
                product.eans.clear()
                await self._flush()  # delete old rows before inserting keys they may share
                product.eans.extend(
                    ProductEan(ean=code, ean_key=gtin_key(code), position=i) for i, code in enumerate(codes)
                )
                changes["eans"] = [old, codes]
        if not changes:
            return product
        product.name_search = name_search_text(product.name, product.sku)
        # EANs live in their own table: without touching the row an EAN-only edit would not bump the
        # version, and a concurrent edit based on the old version would pass unnoticed.
        product.updated_at = func.now()
        await self._flush()
        log_operation(self.session, actor, OperationType.PRODUCT_EDIT, product, changes=changes)
        if "sku" in changes:
            # Channels find offers and Wix items by SKU: tell them again.
            mark_stock_changed(self.session, [product.id])
        await self._flush()
        return product

    async def set_photo(
        self, actor: Actor, product_id: int, expected_version: int | None, image: ProcessedImage
    ) -> Product:
        product = await self.get(product_id, allow_archived=False)
        self._check_version(product, expected_version)
        current = await self.image(product_id)
        old_tag = current.sha256[:12] if current else None
        if current is not None:
            await self.session.delete(current)
            await self._flush()
        self.session.add(_image_row(product.id, image))
        # Touch the row: the version column bumps, so concurrent photo edits conflict like any edit.
        product.updated_at = func.now()
        await self._flush()
        log_operation(
            self.session,
            actor,
            OperationType.PRODUCT_EDIT,
            product,
            changes={"photo": [old_tag, _image_tag(image)]},
        )
        await self._flush()
        return product

    async def remember_telegram_file_id(self, product_id: int, file_id: str) -> None:
        image = await self.image(product_id)
        if image is not None:
            image.telegram_file_id = file_id

    async def archive(self, actor: Actor, product_id: int, expected_version: int | None) -> Product:
        product = await self.get(product_id, allow_archived=False)
        self._check_version(product, expected_version)
        on_hand = await self.session.scalar(
            select(func.coalesce(func.sum(Stock.on_hand), 0)).where(Stock.product_id == product_id)
        )
        if on_hand:
            raise ValidationError(
                f"{product.sku} still has {on_hand} units on hand: write them off or count them first",
                reason="archive_with_stock",
                sku=product.sku,
                on_hand=on_hand,
            )
        product.archived = True
        await self._flush()
        log_operation(
            self.session, actor, OperationType.PRODUCT_ARCHIVE, product, changes={"archived": [False, True]}
        )
        mark_stock_changed(self.session, [product.id])
        await self._flush()
        return product

    async def restore(self, actor: Actor, product_id: int) -> Product:
        product = await self.get(product_id)
        if not product.archived:
            return product
        product.archived = False
        await self._flush()
        log_operation(
            self.session, actor, OperationType.PRODUCT_RESTORE, product, changes={"archived": [True, False]}
        )
        mark_stock_changed(self.session, [product.id])
        await self._flush()
        return product


def _dedupe(codes: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for code in codes:
        key = gtin_key(code)
        if key not in seen:
            seen.add(key)
            unique.append(code)
    return unique


def _image_tag(image: ProcessedImage) -> str:
    return hashlib.sha256(image.display_webp).hexdigest()[:12]


def _image_row(product_id: int, image: ProcessedImage) -> ProductImage:
    return ProductImage(
        product_id=product_id,
        display_webp=image.display_webp,
        thumb_webp=image.thumb_webp,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(image.display_webp).hexdigest(),
    )
