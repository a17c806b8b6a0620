"""Users (who may use the bot, with which role) and warehouses."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.models import Role, User, Warehouse

WAREHOUSE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class Users:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_telegram_id(self, telegram_id: int) -> User | None:
        return await self.session.scalar(select(User).where(User.telegram_id == telegram_id))

    async def active_admins(self) -> list[User]:
        rows = await self.session.scalars(
            select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.telegram_id)
        )
        return list(rows)

    async def list(self, *, include_inactive: bool = True) -> list[User]:
        query = select(User).order_by(User.role, User.display_name, User.telegram_id)
        if not include_inactive:
            query = query.where(User.active.is_(True))
        return list(await self.session.scalars(query))

    async def add(self, telegram_id: int, role: Role, name: str = "") -> User:
        """Add a user, or reactivate / change the role of an existing one."""
        if telegram_id <= 0:
            raise ValidationError(
                f"{telegram_id} is not a Telegram user id", reason="telegram_id", value=str(telegram_id)
            )
        user = await self.by_telegram_id(telegram_id)
        if user is None:
            user = User(telegram_id=telegram_id, role=role, display_name=name.strip()[:128], active=True)
            self.session.add(user)
        else:
            user.role = role
            user.active = True
            if name.strip():
                user.display_name = name.strip()[:128]
        await self.session.flush()
        return user

    async def ensure_admins(self, telegram_ids: Iterable[int]) -> None:
        """ADMIN_IDS bootstrap: these ids are active admins at every start."""
        for telegram_id in telegram_ids:
            user = await self.by_telegram_id(telegram_id)
            if user is None:
                self.session.add(User(telegram_id=telegram_id, role=Role.ADMIN, active=True))
            elif user.role != Role.ADMIN or not user.active:
                user.role, user.active = Role.ADMIN, True
        await self.session.flush()

    async def _existing(self, telegram_id: int) -> User:
        user = await self.by_telegram_id(telegram_id)
        if user is None:
            raise NotFoundError(f"user {telegram_id} is not known", entity="user", id=telegram_id)
        return user

    async def set_role(self, telegram_id: int, role: Role) -> User:
        user = await self._existing(telegram_id)
        if user.role == Role.ADMIN and role != Role.ADMIN:
            await self._keep_one_admin(user)
        user.role = role
        return user

    async def deactivate(self, telegram_id: int) -> User:
        user = await self._existing(telegram_id)
        if user.role == Role.ADMIN:
            await self._keep_one_admin(user)
        user.active = False
        return user

    async def _keep_one_admin(self, leaving: User) -> None:
        others = await self.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.active.is_(True), User.id != leaving.id)
        )
        if not others:
            raise ValidationError("the last active admin cannot be removed", reason="last_admin")

    @staticmethod
    def profile_outdated(user: User, display_name: str) -> bool:
        return bool(display_name) and user.display_name != display_name[:128]

    def touch_profile(self, user: User, display_name: str) -> None:
        if self.profile_outdated(user, display_name):
            user.display_name = display_name[:128]

    def set_language(self, user: User, language: str) -> None:
        if language not in {"en", "pl", "ru"}:
            raise ValidationError(f"unknown language {language}", reason="language", value=language)
        user.language = language

    def toggle_alert(self, user: User, alert_type: str) -> bool:
        """Mute or unmute one alert type for this admin; returns True when it is now muted."""
        muted = set(user.muted_alerts or [])
        now_muted = alert_type not in muted
        muted.symmetric_difference_update({alert_type})
        user.muted_alerts = sorted(muted)
        return now_muted


class Warehouses:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, *, include_inactive: bool = False) -> list[Warehouse]:
        query = select(Warehouse).order_by(Warehouse.code)
        if not include_inactive:
            query = query.where(Warehouse.active.is_(True))
        return list(await self.session.scalars(query))

    async def by_code(self, code: str) -> Warehouse | None:
        return await self.session.scalar(select(Warehouse).where(func.upper(Warehouse.code) == code.upper()))

    async def get(self, warehouse_id: int) -> Warehouse:
        warehouse = await self.session.get(Warehouse, warehouse_id)
        if warehouse is None:
            raise NotFoundError(
                f"warehouse {warehouse_id} does not exist", entity="warehouse", id=warehouse_id
            )
        return warehouse

    async def add(self, code: str, name: str) -> Warehouse:
        code = code.strip().upper()
        if not WAREHOUSE_CODE.match(code):
            raise ValidationError(
                f"warehouse code {code!r} must be 1-16 letters, digits, '-' or '_'",
                reason="warehouse_code",
                value=code,
            )
        name = " ".join(name.split())
        if not name or len(name) > 128:
            raise ValidationError("a warehouse needs a name of 1-128 characters", reason="warehouse_name")
        if await self.by_code(code) is not None:
            raise ConflictError(f"warehouse {code} already exists", reason="warehouse_taken", value=code)
        warehouse = Warehouse(code=code, name=name, active=True)
        self.session.add(warehouse)
        await self.session.flush()
        return warehouse

    async def set_active(self, warehouse_id: int, active: bool) -> Warehouse:
        warehouse = await self.get(warehouse_id)
        warehouse.active = active
        return warehouse
