"""Role checks, made on the server for every message and button whatever its callback data says.

A failed check raises `PermissionDeniedError`; `bot.errors` answers "not allowed" in the user's
language (a callback gets its answer too). Because the check raises instead of letting the update fall
through, put these filters LAST among a handler's filters (after the callback-data / state / content
filters), and never on a whole router: they must only fire for updates the handler is meant for.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from domain.errors import PermissionDeniedError
from domain.models import Role, User


class _RoleFilter(Filter):
    roles: frozenset[Role] = frozenset()

    async def __call__(self, event: TelegramObject, user: User | None = None, **_: Any) -> bool:
        if user is None or not user.active or user.role not in self.roles:
            raise PermissionDeniedError("this action is not allowed for your role")
        return True


class AdminOnly(_RoleFilter):
    roles = frozenset({Role.ADMIN})


class StaffOrAdmin(_RoleFilter):
    roles = frozenset({Role.ADMIN, Role.STAFF})


def is_admin(user: User | None) -> bool:
    return user is not None and user.active and user.role == Role.ADMIN
