"""The product card: what a product is, where its stock is, which channels sell it, what one may do.

`product_card` builds the view; `show_card` sends it. The photo goes up once as the stored WebP display
image; Telegram's file_id is then remembered and later cards send the id (no upload).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ProductAction, ProductCb
from bot.filters import is_admin
from bot.middlewares.database import start_writing
from bot.views.channels import channel_status_lines
from bot.views.format import MAX_CAPTION, escape, split_text
from domain.catalog import Catalog
from domain.inventory import Inventory
from domain.models import Product, User

A = ProductAction
STAFF_ROWS = ((A.RECEIVE, A.TRANSFER), (A.COUNT, A.HISTORY))
ADMIN_ROWS = ((A.EDIT_SKU, A.EDIT_NAME), (A.EDIT_EANS, A.EDIT_PHOTO), (A.WRITE_OFF, A.ARCHIVE))


@dataclass(frozen=True, slots=True)
class CardView:
    product_id: int
    version: int
    text: str
    keyboard: InlineKeyboardMarkup
    has_photo: bool
    photo_file_id: str | None


def _zone(i18n: I18nContext, zone: ZoneInfo | None) -> ZoneInfo:
    if zone is not None:
        return zone
    settings = i18n.data.get("settings")
    return settings.zone if settings is not None else ZoneInfo("UTC")


def card_keyboard(i18n: I18nContext, product: Product, user: User) -> InlineKeyboardMarkup:
    def button(action: ProductAction) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=i18n.get(f"card-btn-{action.value.replace('_', '-')}"),
            callback_data=ProductCb(action=action, product_id=product.id, version=product.version).pack(),
        )

    if product.archived:
        layout: tuple[tuple[ProductAction, ...], ...] = (
            ((A.RESTORE, A.HISTORY),) if is_admin(user) else ((A.HISTORY,),)
        )
    else:
        layout = STAFF_ROWS + (ADMIN_ROWS if is_admin(user) else ())
    return InlineKeyboardMarkup(inline_keyboard=[[button(action) for action in row] for row in layout])


async def product_card(
    session: AsyncSession, i18n: I18nContext, product_id: int, user: User, *, zone: ZoneInfo | None = None
) -> CardView:
    """The card of a product (archived ones too). `zone` defaults to the configured time zone.

    Three statements: the product with its EANs and photo, its stock, its channel links."""
    product, photo = await Catalog(session).get_with_photo(product_id)
    stock = await Inventory(session).stock_of(product_id)
    lines = [f"<b>{escape(product.name)}</b>"]
    if product.archived:
        lines.append(i18n.get("card-archived"))
    lines.append(i18n.get("card-sku", sku=escape(product.sku)))
    eans = ", ".join(f"<code>{escape(row.ean)}</code>" for row in product.eans)
    lines.append(i18n.get("card-eans", eans=eans or "—"))
    lines.append("")
    if stock.levels:
        lines.append(i18n.get("card-stock"))
        for level in stock.levels:
            lines.append(
                i18n.get(
                    "card-stock-line",
                    code=escape(level.warehouse_code),
                    on_hand=level.on_hand,
                    reserved=level.reserved,
                    available=level.available,
                )
            )
        lines.append(
            i18n.get("card-total", on_hand=stock.on_hand, reserved=stock.reserved, available=stock.available)
        )
    else:
        lines.append(i18n.get("card-no-stock"))
    lines.append("")
    lines.extend(await channel_status_lines(session, i18n, product_id, _zone(i18n, zone)))
    return CardView(
        product_id=product.id,
        version=product.version,
        text="\n".join(lines),
        keyboard=card_keyboard(i18n, product, user),
        has_photo=photo is not None,
        photo_file_id=photo.telegram_file_id if photo is not None else None,
    )


async def _send_photo(
    message: Message, session: AsyncSession, view: CardView, caption: str | None
) -> Message:
    markup = view.keyboard if caption is not None else None
    if view.photo_file_id:
        try:
            return await message.answer_photo(view.photo_file_id, caption=caption, reply_markup=markup)
        except TelegramBadRequest:
            pass  # the id belongs to another bot token or expired: upload again below
    image = await Catalog(session).image(view.product_id)
    assert image is not None  # has_photo said so, in this same transaction
    sent = await message.answer_photo(
        BufferedInputFile(image.display_webp, filename=f"product-{view.product_id}.webp"),
        caption=caption,
        reply_markup=markup,
    )
    if sent.photo:
        await start_writing(session)  # a card is opened by a reads-only handler
        await Catalog(session).remember_telegram_file_id(view.product_id, sent.photo[-1].file_id)
        await session.commit()
    return sent


async def show_card(
    message: Message,
    session: AsyncSession,
    i18n: I18nContext,
    product_id: int,
    user: User,
    *,
    zone: ZoneInfo | None = None,
) -> Message:
    """Send the card into `message`'s chat; returns the message that carries the buttons.

    It ends the update's current transaction before talking to Telegram (no lock is held over the
    network — on SQLite every transaction holds the write lock), so call it after your writes."""
    view = await product_card(session, i18n, product_id, user, zone=zone)
    await session.commit()
    if view.has_photo:
        if len(view.text) <= MAX_CAPTION:
            return await _send_photo(message, session, view, view.text)
        await _send_photo(message, session, view, None)
    *head, last = split_text(view.text)
    for chunk in head:
        await message.answer(chunk)
    return await message.answer(last, reply_markup=view.keyboard)
