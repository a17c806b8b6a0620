"""Every feature router, in matching order: commands and flows first, the catch-all search last."""

from __future__ import annotations

from types import ModuleType

from aiogram import Router

from bot.routers import (
    admin,
    alerts,
    allegro,
    create,
    edit,
    history,
    imports,
    product,
    search,
    start,
    status,
    stock,
    sync,
    wix,
)

FEATURE_MODULES: tuple[ModuleType, ...] = (
    start,
    product,
    edit,
    create,
    imports,
    stock,
    history,
    admin,
    sync,
    status,
    alerts,
    allegro,
    wix,
    search,
)


def feature_routers() -> list[Router]:
    return [module.router for module in FEATURE_MODULES]


def release_routers(dispatcher: Router) -> None:
    """Detach the feature routers from a dispatcher that has stopped.

    The routers are module-level singletons (aiogram's one-router-per-module style) and aiogram lets a
    router have one parent for life; releasing them lets the same process build a new dispatcher later
    (a restart in place, the end-to-end tests). Only one dispatcher may hold them at a time."""
    for module in FEATURE_MODULES:
        if module.router.parent_router is dispatcher:
            dispatcher.sub_routers.remove(module.router)
            module.router._parent_router = None  # aiogram has no public detach
