"""The Wix API Query Language, as far as the fake Wix needs it: filters, sorting.

Each endpoint names its filterable fields (a getter per field); a filter on any other field is a 400, as
Wix answers for unsupported fields. Dates compare as datetimes and numeric ids as numbers whichever form
the client sends; a one-element array on a comparison is unwrapped (Wix's own V1 inventory example
sends `{"lastUpdated": {"$gt": ["…"]}}`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

Getter = Callable[[Any], Any]
Predicate = Callable[[Any], bool]


class QueryError(ValueError):
    def __init__(self, field: str, description: str) -> None:
        super().__init__(f"{field}: {description}")
        self.field = field
        self.description = description


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _coerce(arg: Any, like: Any) -> Any:
    if isinstance(like, datetime) and isinstance(arg, str):
        try:
            return parse_time(arg)
        except ValueError:
            raise QueryError("filter", f"{arg!r} is not a date") from None
    if (
        isinstance(like, int)
        and not isinstance(like, bool)
        and isinstance(arg, str)
        and arg.lstrip("-").isdigit()
    ):
        return int(arg)
    return arg


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _compare(op: str, value: Any, arg: Any) -> bool:
    if isinstance(arg, list) and len(arg) == 1:
        arg = arg[0]
    if value is None:
        return False
    arg = _coerce(arg, value)
    try:
        if op == "$gt":
            return bool(value > arg)
        if op == "$gte":
            return bool(value >= arg)
        if op == "$lt":
            return bool(value < arg)
        return bool(value <= arg)
    except TypeError:
        raise QueryError("filter", f"cannot compare {value!r} with {arg!r}") from None


def _in(value: Any, options: set[Any]) -> bool:
    return any(v in options or (isinstance(v, int) and str(v) in options) for v in _values(value))


def _operator(getter: Getter, op: str, arg: Any) -> Predicate:
    if op in ("$eq", "$ne"):

        def equal(doc: Any) -> bool:
            value = getter(doc)
            return any(_coerce(arg, v) == v for v in _values(value)) if value is not None else arg is None

        return equal if op == "$eq" else (lambda doc: not equal(doc))
    if op in ("$in", "$hasSome", "$nin", "$hasAll"):
        if not isinstance(arg, list):
            raise QueryError("filter", f"{op} takes an array")
        options = set(arg)
        if op == "$hasAll":
            return lambda doc: options <= set(_values(getter(doc)))
        if op == "$nin":
            return lambda doc: not _in(getter(doc), options)
        return lambda doc: _in(getter(doc), options)
    if op in ("$gt", "$gte", "$lt", "$lte"):
        return lambda doc: _compare(op, getter(doc), arg)
    if op == "$startsWith":
        return lambda doc: isinstance(getter(doc), str) and getter(doc).lower().startswith(str(arg).lower())
    if op == "$contains":
        return lambda doc: isinstance(getter(doc), str) and str(arg).lower() in getter(doc).lower()
    if op == "$exists":
        return lambda doc: (getter(doc) is not None) == bool(arg)
    raise QueryError("filter", f"unsupported operator {op}")


def _field(getter: Getter, condition: Any) -> Predicate:
    if isinstance(condition, dict) and condition and all(str(k).startswith("$") for k in condition):
        parts = [_operator(getter, op, arg) for op, arg in condition.items()]
        return lambda doc: all(part(doc) for part in parts)
    return _operator(getter, "$eq", condition)


def _combined(subs: list[Predicate], *, every: bool) -> Predicate:
    combine = all if every else any
    return lambda doc: combine(sub(doc) for sub in subs)


def _negated(sub: Predicate) -> Predicate:
    return lambda doc: not sub(doc)


def compile_filter(flt: Any, fields: Mapping[str, Getter]) -> Predicate:
    if not isinstance(flt, dict):
        raise QueryError("filter", "must be an object")
    parts: list[Predicate] = []
    for key, condition in flt.items():
        if key in ("$and", "$or"):
            if not isinstance(condition, list):
                raise QueryError("filter", f"{key} takes an array")
            parts.append(_combined([compile_filter(sub, fields) for sub in condition], every=key == "$and"))
        elif key == "$not":
            parts.append(_negated(compile_filter(condition, fields)))
        elif key not in fields:
            raise QueryError(key, "this field cannot be filtered on")
        else:
            parts.append(_field(fields[key], condition))
    return lambda doc: all(part(doc) for part in parts)


def parse_sort(sort: Any, fields: Mapping[str, Getter], *, v1: bool) -> list[tuple[Getter, bool]]:
    """[(getter, descending)] from V1's `[{"field": "asc"}]` or the platform's `[{fieldName, order}]`."""
    if sort is None:
        return []
    if not isinstance(sort, list):
        raise QueryError("sort", "must be an array")
    keys: list[tuple[Getter, bool]] = []
    for entry in sort:
        if not isinstance(entry, dict):
            raise QueryError("sort", "entries must be objects")
        if v1:
            if len(entry) != 1:
                raise QueryError("sort", 'V1 sort entries look like {"field": "asc"}')
            name, order = next(iter(entry.items()))
        else:
            name, order = entry.get("fieldName"), entry.get("order", "ASC")
        if name not in fields:
            raise QueryError("sort", f"cannot sort by {name}")
        keys.append((fields[name], str(order).upper() == "DESC"))
    return keys


def apply_sort(items: Sequence[Any], keys: list[tuple[Getter, bool]]) -> list[Any]:
    ordered = list(items)
    for getter, descending in reversed(keys):
        ordered.sort(key=_sort_key(getter), reverse=descending)
    return ordered


def _sort_key(getter: Getter) -> Callable[[Any], tuple[bool, Any]]:
    """Missing values sort first, like Wix's ascending order."""
    return lambda doc: (getter(doc) is not None, getter(doc))
