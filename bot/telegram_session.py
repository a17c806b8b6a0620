"""aiogram's HTTP session, parsing the Bot API's answers with one validator per Telegram type.

aiogram parses every answer as `Response[<return type>]`. pydantic-core copies the schemas of nested
models into each top-level validator, so `Response[Message]`, `Response[Message | bool]` and
`Response[list[Update]]` would each carry another full copy of the huge `Message` schema (~1.2 MB
apiece, measured) next to `Message`'s and `Update`'s own validators. `BotSession` validates the
envelope with the unparametrised `Response` (the result stays raw JSON) and then the result with the
validators the models already have: the objects come out as aiogram's, bound to the bot.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any, ClassVar, NoReturn, Union, cast, get_args, get_origin

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    ClientDecodeError,
    RestartingTelegram,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.telegram_models import warm_up

# (the answer's raw `result`, the validation context) -> the parsed result
ResultParser = Callable[[Any, dict[str, Any]], Any]

_PRIMITIVES: tuple[Any, ...] = (bool, int, float, str, type(None))
_ANY_LIST = TypeAdapter(list[Any])
_ERROR_BY_STATUS: dict[int, type[TelegramAPIError]] = {
    HTTPStatus.BAD_REQUEST: TelegramBadRequest,
    HTTPStatus.NOT_FOUND: TelegramNotFound,
    HTTPStatus.CONFLICT: TelegramConflictError,
    HTTPStatus.UNAUTHORIZED: TelegramUnauthorizedError,
    HTTPStatus.FORBIDDEN: TelegramForbiddenError,
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: TelegramEntityTooLarge,
}


class BotSession(AiohttpSession):
    """aiogram's session with two changes.

    Answers are parsed without a `Response[<return type>]` validator per method (see the module's
    docstring); the result parsers are built once per return type and kept. Closing skips the 250 ms
    pause meant for TLS connections when the Bot API server is reached over plain HTTP (a
    self-hosted server, a test fake).
    """

    _result_parsers: ClassVar[dict[Any, ResultParser]] = {}

    @classmethod
    def result_parser(cls, returning: Any) -> ResultParser:
        """The parser of a method's `__returning__` type, built (with its models) on first call."""
        if returning not in cls._result_parsers:
            cls._result_parsers[returning] = _build_parser(returning)
        return cls._result_parsers[returning]

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        # The same steps, errors and messages as aiogram's `BaseSession.check_response`.
        try:
            json_data = self.json_loads(content)
        except Exception as e:  # a custom decoder may raise anything
            raise ClientDecodeError("Failed to decode object", e, content) from e
        context = {"bot": bot}
        try:
            response: Response[Any] = Response.model_validate(json_data, context=context)
            if response.result is not None:
                response.result = self.result_parser(method.__returning__)(response.result, context)
        except ValidationError as e:
            raise ClientDecodeError("Failed to deserialize object", e, json_data) from e
        if HTTPStatus.OK <= status_code <= HTTPStatus.IM_USED and response.ok:
            return response
        _raise_api_error(method, status_code, response)

    async def close(self) -> None:
        if self.api.base.startswith("http://") and self._session is not None:
            await self._session.close()
            return
        await super().close()


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if _is_model(annotation):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)


def _build_parser(returning: Any) -> ResultParser:
    origin, args = get_origin(returning), get_args(returning)
    if _is_model(returning):
        return _model_parser(returning)
    if origin is list and _is_model(args[0]):
        return _list_parser(args[0])
    if origin in (Union, types.UnionType):
        models = [arg for arg in args if _is_model(arg)]
        others = [arg for arg in args if arg in _PRIMITIVES]
        if len(models) == 1 and len(models) + len(others) == len(args):
            return _model_or_primitive_parser(models[0], others)
    # Rarely used return types (unions of several models, lists of unions): small, kept adapters.
    # Their models are built first: a TypeAdapter cannot resolve the forward references of aiogram
    # models whose build bot/telegram_models.py deferred.
    warm_up(_models_in(returning))
    adapter: TypeAdapter[Any] = TypeAdapter(returning)
    return lambda raw, context: adapter.validate_python(raw, context=context)


def _model_parser(model: type[BaseModel]) -> ResultParser:
    warm_up([model])
    return lambda raw, context: model.model_validate(raw, context=context)


def _list_parser(model: type[BaseModel]) -> ResultParser:
    warm_up([model])

    def parse(raw: Any, context: dict[str, Any]) -> list[Any]:
        return [model.model_validate(item, context=context) for item in _ANY_LIST.validate_python(raw)]

    return parse


def _model_or_primitive_parser(model: type[BaseModel], primitives: list[Any]) -> ResultParser:
    # A JSON object can only be the model (a primitive never accepts a dict), anything else only
    # one of the primitives: the same choice pydantic's union makes, without a copy of the model.
    warm_up([model])
    adapter: TypeAdapter[Any] = TypeAdapter(Union[tuple(primitives)])  # noqa: UP007 -- built at run time

    def parse(raw: Any, context: dict[str, Any]) -> Any:
        if isinstance(raw, dict):
            return model.model_validate(raw, context=context)
        return adapter.validate_python(raw, context=context)

    return parse


def _raise_api_error(
    method: TelegramMethod[TelegramType], status_code: int, response: Response[Any]
) -> NoReturn:
    # aiogram's mapping, step by step; its own copy cannot be called without building
    # `Response[<return type>]` (~5 ms and ~1.2 MB for every method that returns a Message).
    description = cast(str, response.description)
    if parameters := response.parameters:
        if parameters.retry_after:
            raise TelegramRetryAfter(method=method, message=description, retry_after=parameters.retry_after)
        if parameters.migrate_to_chat_id:
            raise TelegramMigrateToChat(
                method=method, message=description, migrate_to_chat_id=parameters.migrate_to_chat_id
            )
    if status_code in _ERROR_BY_STATUS:
        raise _ERROR_BY_STATUS[status_code](method=method, message=description)
    if status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
        if "restart" in description:
            raise RestartingTelegram(method=method, message=description)
        raise TelegramServerError(method=method, message=description)
    raise TelegramAPIError(method=method, message=description)
