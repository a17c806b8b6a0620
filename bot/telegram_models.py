"""Build aiogram's pydantic models when they are first used, not all at once on import.

`import aiogram` builds the validators of every Telegram type (~400) and method (~190): 3–4 s of
CPU and ~110 MB that stay resident for the life of the process (aiogram issue #1513), although the
bot uses a few dozen of them. aiogram declares its types with `defer_build=True`; only its own loop
at the end of `aiogram/types/__init__.py` forces the build, passing the namespace that resolves the
types' forward references (names imported under TYPE_CHECKING).

`defer_telegram_model_build()` wraps `BaseModel.model_rebuild`, before aiogram is imported:

- a rebuild coming from that import-time loop (recognised by the very namespace object the loop
  passes, which `aiogram.types` holds only while it is being imported) is skipped and the namespace
  is kept; the model keeps pydantic's "not built yet" placeholders;
- whenever pydantic later builds an aiogram model on its first use (or a parametrised generic such
  as `Response[Message]`), the kept namespace is supplied, so forward references resolve exactly as
  aiogram's loop would have resolved them.

Other packages' models go to pydantic's own `model_rebuild` untouched. If aiogram changes its loop,
nothing is skipped and the models are built eagerly as before (slower, same behaviour);
tests/unit/test_telegram_models.py notices. `warm_up()` builds, at start-up, what every update needs,
so the first user does not wait for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

_AIOGRAM_PREFIX = "aiogram."
_TYPES_MODULE = "aiogram.types"


class _Deferral:
    def __init__(self) -> None:
        self.namespace: Mapping[str, Any] | None = None
        self.installed = False


_deferral = _Deferral()


def _from_aiogram_import_loop(types_namespace: Mapping[str, Any] | None) -> bool:
    module = sys.modules.get(_TYPES_MODULE)
    return types_namespace is not None and getattr(module, "_types_namespace", None) is types_namespace


def defer_telegram_model_build() -> None:
    """Wrap `BaseModel.model_rebuild` (once). Call before anything imports aiogram."""
    if _deferral.installed:
        return
    _deferral.installed = True
    rebuild = BaseModel.__dict__["model_rebuild"].__func__

    def model_rebuild(
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Mapping[str, Any] | None = None,
    ) -> bool | None:
        if cls.__module__.startswith(_AIOGRAM_PREFIX):
            if not force and _from_aiogram_import_loop(_types_namespace):
                _deferral.namespace = _types_namespace
                return None
            if _types_namespace is None:
                _types_namespace = _deferral.namespace
        return rebuild(
            cls,
            force=force,
            raise_errors=raise_errors,
            # one frame deeper than pydantic expects: this wrapper sits between
            _parent_namespace_depth=_parent_namespace_depth + 1,
            _types_namespace=_types_namespace,
        )

    BaseModel.model_rebuild = classmethod(model_rebuild)  # type: ignore[method-assign,assignment]


def is_deferred(model: type[BaseModel]) -> bool:
    """True while `model`'s validator has not been built yet."""
    return not model.__pydantic_complete__


def warm_up(models: Iterable[type[BaseModel]]) -> None:
    """Build the validators and serializers of `models` now rather than on their first use."""
    for model in models:
        if is_deferred(model):
            model.model_rebuild(raise_errors=True)
