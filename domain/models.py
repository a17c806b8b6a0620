"""SQLAlchemy 2 typed models: the single source of truth for catalog, stock and history.

Portable across PostgreSQL and SQLite: non-native enums (stored as strings), `sa.JSON`, timezone-aware
timestamps, `BigInteger` for Telegram ids. Migrations (not `create_all`) own the schema; a test checks
that autogenerate finds no difference between these models and the migrations.

History (operations, channel order lines) never cascades away: rows keep a SKU snapshot and their
foreign keys are `SET NULL`, so a product or user removed later does not take its history with it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a real BIGINT.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def _enum(enum_cls: type[enum.Enum], length: int = 32) -> Enum:
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[Any]: JSON}


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"


class OperationType(enum.StrEnum):
    RECEIPT = "RECEIPT"
    SALE = "SALE"
    RETURN = "RETURN"
    TRANSFER = "TRANSFER"
    WRITE_OFF = "WRITE_OFF"
    COUNT = "COUNT"
    RESERVE = "RESERVE"
    RELEASE = "RELEASE"
    PRODUCT_CREATE = "PRODUCT_CREATE"
    PRODUCT_EDIT = "PRODUCT_EDIT"
    PRODUCT_ARCHIVE = "PRODUCT_ARCHIVE"
    PRODUCT_RESTORE = "PRODUCT_RESTORE"


class Channel(enum.StrEnum):
    ALLEGRO = "allegro"
    WIX = "wix"


class OrderLineState(enum.StrEnum):
    UNMATCHED = "unmatched"  # SKU unknown here: waits for the product to appear
    RESERVED = "reserved"  # bought, not paid: available-to-sell is lowered, on-hand kept
    DEDUCTED = "deducted"  # sold: on-hand lowered
    RELEASED = "released"  # cancelled before the sale: reservation given back
    RETURNED = "returned"  # cancelled after the sale: on-hand given back
    CANCELLED = "cancelled"  # cancellation seen before any purchase event: later ones are no-ops


class AccountState(enum.StrEnum):
    ACTIVE = "active"
    NEEDS_RECONNECT = "needs_reconnect"
    DISABLED = "disabled"


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[Role] = mapped_column(_enum(Role, 16), default=Role.STAFF)
    language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    muted_alerts: Mapped[list[Any]] = mapped_column(default=list)


class Warehouse(TimestampMixin, Base):
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Product(TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        Index(
            "ix_products_name_search_trgm",
            "name_search",
            postgresql_using="gin",
            postgresql_ops={"name_search": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64))
    # Case-insensitive uniqueness without functional indexes, identical on both engines.
    sku_key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # Case- and diacritics-folded "name sku" for word search (see domain.validation.search_key).
    name_search: Mapped[str] = mapped_column(String(400), default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    eans: Mapped[list[ProductEan]] = relationship(
        back_populates="product",
        order_by="ProductEan.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    image: Mapped[ProductImage | None] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        lazy="raise",
    )

    __mapper_args__ = {"version_id_col": version}


class ProductEan(Base):
    __tablename__ = "product_eans"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    ean: Mapped[str] = mapped_column(String(14))
    # 14-digit zero-padded form: an EAN-13 "0…" and the UPC-A it encodes are the same code.
    ean_key: Mapped[str] = mapped_column(String(14), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="eans")


class ProductImage(Base):
    __tablename__ = "product_images"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    display_webp: Mapped[bytes] = mapped_column(LargeBinary)
    thumb_webp: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Telegram's file_id of the display image once sent: re-sending by id costs no upload.
    telegram_file_id: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    product: Mapped[Product] = relationship(back_populates="image")


class Stock(Base):
    """On hand vs reserved per product and warehouse; available = on_hand - reserved."""

    __tablename__ = "stock"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
        CheckConstraint("reserved >= 0", name="reserved_non_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("warehouses.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Operation(Base):
    """Append-only log of every change. Never updated, never cascaded away."""

    __tablename__ = "operations"
    __table_args__ = (
        Index("ix_operations_product_created", "product_id", "created_at"),
        Index("ix_operations_type_created", "type", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    type: Mapped[OperationType] = mapped_column(_enum(OperationType))
    actor: Mapped[str] = mapped_column(String(96), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    sku: Mapped[str] = mapped_column(String(64))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id", ondelete="SET NULL"))
    to_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id", ondelete="SET NULL"))
    quantity_delta: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(255))
    changes: Mapped[dict[str, Any] | None] = mapped_column()
    external_ref: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class ChannelOrderLine(TimestampMixin, Base):
    """One row per channel order line: its unique key is what makes order processing exactly-once."""

    __tablename__ = "channel_order_lines"
    __table_args__ = (
        UniqueConstraint("channel", "account_id", "order_id", "line_id"),
        Index("ix_channel_order_lines_state_sku", "state", "sku"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, 16))
    account_id: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[str] = mapped_column(String(64))
    line_id: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    sku: Mapped[str | None] = mapped_column(String(100))
    offer_id: Mapped[str | None] = mapped_column(String(64))
    offer_name: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer)
    state: Mapped[OrderLineState] = mapped_column(_enum(OrderLineState, 16))
    # Units actually taken (reserved or deducted) per warehouse id, so a cancel gives back exactly these.
    allocations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    shortage: Mapped[int] = mapped_column(Integer, default=0)
    # An unmatched line remembers the state it has to reach once its product is known (the events that
    # moved it on, e.g. a payment, were seen while it could not be applied).
    pending_state: Mapped[OrderLineState | None] = mapped_column(_enum(OrderLineState, 16))
    last_event_id: Mapped[str | None] = mapped_column(String(64))


class AllegroAccount(TimestampMixin, Base):
    __tablename__ = "allegro_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    seller_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None] = mapped_column()
    state: Mapped[AccountState] = mapped_column(_enum(AccountState, 16), default=AccountState.ACTIVE)
    # Warehouse ids in the order sold stock is taken from.
    warehouse_priority: Mapped[list[Any]] = mapped_column(default=list)
    last_error: Mapped[str | None] = mapped_column(Text)


class AllegroEventTracker(TimestampMixin, Base):
    """The origin's table, kept exactly: one cursor per connected account (token_id = account id)."""

    __tablename__ = "allegro_event_trackers"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(Integer, unique=True, index=True)
    last_event_id: Mapped[str | None] = mapped_column(String(64))


class AllegroOffer(TimestampMixin, Base):
    """Offer ↔ product link found through the offer's external.id (the SKU)."""

    __tablename__ = "allegro_offers"
    __table_args__ = (UniqueConstraint("account_id", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("allegro_accounts.id", ondelete="CASCADE"))
    offer_id: Mapped[str] = mapped_column(String(32))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str | None] = mapped_column(String(16))
    last_pushed_quantity: Mapped[int | None] = mapped_column(Integer)
    last_pushed_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class WixAccount(TimestampMixin, Base):
    __tablename__ = "wix_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[str] = mapped_column(String(64), unique=True)
    api_key: Mapped[str] = mapped_column(Text)
    catalog_version: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[AccountState] = mapped_column(_enum(AccountState, 16), default=AccountState.ACTIVE)
    # Batch size per kind of call that last worked, so a site that answers 5xx to big batches
    # starts where it left off.
    batch_sizes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Orders are imported by updatedDate; this is the last one applied.
    orders_cursor: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class WixProductMapping(TimestampMixin, Base):
    __tablename__ = "wix_product_mappings"
    __table_args__ = (UniqueConstraint("account_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("wix_accounts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    wix_product_id: Mapped[str] = mapped_column(String(64))
    wix_variant_id: Mapped[str | None] = mapped_column(String(64))
    inventory_item_id: Mapped[str | None] = mapped_column(String(64))
    last_pushed_quantity: Mapped[int | None] = mapped_column(Integer)
    last_pushed_at: Mapped[datetime | None] = mapped_column()


class WixInventorySync(Base):
    """History of every sync run with its counts and errors."""

    __tablename__ = "wix_inventory_syncs"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("wix_accounts.id", ondelete="SET NULL"))
    trigger: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="running")
    checked: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    error_text: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class StockOutbox(Base):
    """ "This product's stock changed and this channel account has not been told yet".

    Written in the same transaction as the stock change. `generation` grows on every change, so the
    pusher deletes a row only if nothing changed while it was pushing.
    """

    __tablename__ = "stock_outbox"
    __table_args__ = (UniqueConstraint("product_id", "channel", "account_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel, 16))
    account_id: Mapped[int] = mapped_column(Integer)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class FsmState(Base):
    """A conversation's aiogram FSM state and data (see `bot.fsm_storage`): in the database, so a flow
    survives a restart and every instance behind a load balancer sees the same one. `key` is built from
    aiogram's StorageKey; a row with no state and no data is deleted, not kept."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
