"""Checks request and response bodies against Wix's contracts (specs/wix/*.service.json).

The service files describe each operation's body parameters and every message's members (with
read-only flags, enums and one-of groups, which REST flattens into the parent). Operations the files do
not cover (V3 inventory items, eCom order search) get small local contracts written from wix-api.md §4c
and §6a in the same form. A check returns human-readable problems: unknown or read-only fields sent,
missing required ones, wrong JSON types, values outside an enum.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[2]
_SPEC_CANDIDATES = (_REPO / "specs" / "wix", _REPO.parent / "shared" / "specs" / "wix")
_SPEC_FILES = ("stores-catalog.service.json", "stores-inventory.service.json", "orders.service.json")

Type = str | dict[str, Any]
RESPONSE_SAMPLE = 3


@dataclass(frozen=True)
class Member:
    name: str
    type: Type
    read_only: bool = False


@dataclass(frozen=True)
class Message:
    members: tuple[Member, ...] = ()
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Operation:
    body: dict[str, Type]
    required: frozenset[str] = frozenset()
    response: Type | None = None


def _array(item: Type) -> dict[str, Any]:
    return {"name": "array", "typeParams": [item]}


def _message(*members: tuple[str, Type]) -> Message:
    return Message(tuple(Member(name, typ) for name, typ in members))


# wix-api.md §4c (V3 inventory items) and §6a (eCom order search), in the service files' own terms.
LOCAL_MESSAGES: dict[str, Message] = {
    "LocalSortOrder": Message(enum=("ASC", "DESC")),
    "LocalSorting": _message(("fieldName", "string"), ("order", "LocalSortOrder")),
    "LocalCursorPaging": _message(("limit", "integer"), ("cursor", "string")),
    "LocalCursorQuery": _message(
        ("filter", "struct"), ("sort", _array("LocalSorting")), ("cursorPaging", "LocalCursorPaging")
    ),
    "LocalInventoryItemUpdate": _message(
        ("id", "string"),
        ("revision", "string"),
        ("quantity", "integer"),
        ("inStock", "boolean"),
        ("preorderInfo", "struct"),
    ),
    "LocalMaskedInventoryItem": _message(("inventoryItem", "LocalInventoryItemUpdate")),
    "LocalIncrementData": _message(("inventoryItemId", "string"), ("incrementBy", "integer")),
    "LocalDecrementData": _message(
        ("inventoryItemId", "string"), ("decrementBy", "integer"), ("preorderRequest", "boolean")
    ),
    "LocalReason": Message(enum=("ORDER", "MANUAL", "REVERT_INVENTORY_CHANGE")),
}
LOCAL_OPERATIONS: dict[str, Operation] = {
    "Query Inventory Items (V3)": Operation({"query": "LocalCursorQuery"}),
    "Bulk Update Inventory Items (V3)": Operation(
        {
            "inventoryItems": _array("LocalMaskedInventoryItem"),
            "returnEntity": "boolean",
            "reason": "LocalReason",
        },
        frozenset({"inventoryItems"}),
    ),
    "Bulk Increment Inventory Items (V3)": Operation(
        {"incrementData": _array("LocalIncrementData"), "returnEntity": "boolean", "reason": "LocalReason"},
        frozenset({"incrementData"}),
    ),
    "Bulk Decrement Inventory Items (V3)": Operation(
        {
            "decrementData": _array("LocalDecrementData"),
            "restrictInventory": "boolean",
            "returnEntity": "boolean",
            "reason": "LocalReason",
        },
        frozenset({"decrementData"}),
    ),
    "Search Orders": Operation({"search": "LocalCursorQuery"}),
}


def spec_dir() -> Path:
    configured = os.environ.get("WIX_SPECS_DIR")
    candidates = (Path(configured),) if configured else _SPEC_CANDIDATES
    for candidate in candidates:
        if all((candidate / name).is_file() for name in _SPEC_FILES):
            return candidate
    raise FileNotFoundError(
        f"Wix service specs not found; set WIX_SPECS_DIR (looked in {', '.join(map(str, candidates))})"
    )


def _ref_name(typ: str) -> str:
    return typ.rsplit(".", 1)[-1] if typ.startswith("All APIs.") else typ


@dataclass
class Contract:
    messages: dict[str, Message] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)

    @classmethod
    def from_files(cls, directory: Path) -> Contract:
        contract = cls(dict(LOCAL_MESSAGES), dict(LOCAL_OPERATIONS))
        for name in _SPEC_FILES:
            service = json.loads((directory / name).read_text())
            for raw in service["messages"]:
                members = tuple(Member(m["name"], m["type"], bool(m.get("readOnly"))) for m in raw["members"])
                enum = tuple(raw["enum"]) if raw.get("enum") else None
                contract.messages.setdefault(raw["name"], Message(members, enum))
            for op in service["operations"]:
                body = {p["name"]: p["type"] for p in op["params"] if p["in"] == "BODY"}
                required = frozenset(f for f in op.get("requiredFields") or () if f in body)
                returned = op["ret"]["type"].get("typeParams") or [None]
                contract.operations[op["name"]] = Operation(body, required, returned[0])
        return contract

    def check_request(self, operation: str, body: Any) -> list[str]:
        op = self.operations[operation]
        problems: list[str] = []
        if not isinstance(body, dict):
            return [f"{operation}: body is not a JSON object"]
        for name in sorted(op.required - body.keys()):
            problems.append(f"{operation}: missing required {name}")
        for name, value in body.items():
            if name not in op.body:
                problems.append(f"{operation}: unknown field {name}")
            else:
                self._check(value, op.body[name], name, problems, request=True)
        return [p if p.startswith(operation) else f"{operation}: {p}" for p in problems]

    def check_response(self, operation: str, body: Any) -> list[str]:
        op = self.operations[operation]
        if op.response is None:
            return []
        problems: list[str] = []
        self._check(body, op.response, "response", problems, request=False)
        return [f"{operation}: {p}" for p in problems]

    def _members(self, name: str) -> dict[str, Member]:
        """A message's members with one-of groups (type `<Message>_<member>`) flattened into it."""
        flat: dict[str, Member] = {}
        for member in self.messages[name].members:
            typ = member.type
            if (
                isinstance(typ, str)
                and _ref_name(typ) == f"{name}_{member.name}"
                and _ref_name(typ) in self.messages
            ):
                flat.update(self._members(_ref_name(typ)))
            else:
                flat[member.name] = member
        return flat

    def _check(self, value: Any, typ: Type, where: str, problems: list[str], *, request: bool) -> None:
        if value is None:
            if request:
                problems.append(f"{where}: null sent")
            return
        if isinstance(typ, dict):
            if not isinstance(value, list):
                problems.append(f"{where}: expected an array")
                return
            # Responses repeat one shape per element; checking a few keeps big pages cheap.
            sample = value if request else value[:RESPONSE_SAMPLE]
            for index, item in enumerate(sample):
                self._check(item, typ["typeParams"][0], f"{where}[{index}]", problems, request=request)
            return
        expected = {
            "string": (str,),
            "integer": (int,),
            "number": (int, float),
            "boolean": (bool,),
            "struct": (dict,),
        }.get(typ)
        if expected is not None:
            wrong_bool = isinstance(value, bool) and typ in ("integer", "number")
            if wrong_bool or not isinstance(value, expected):
                problems.append(f"{where}: expected {typ}, got {type(value).__name__}")
            return
        self._check_message(value, _ref_name(typ), where, problems, request=request)

    def _check_message(
        self, value: Any, name: str, where: str, problems: list[str], *, request: bool
    ) -> None:
        message = self.messages[name]
        if message.enum is not None:
            if value not in message.enum:
                problems.append(f"{where}: {value!r} is not one of {', '.join(message.enum)}")
            return
        if not isinstance(value, dict):
            problems.append(f"{where}: expected an object ({name})")
            return
        if len(message.members) == 1 and ":" in message.members[0].name:  # a map: any key, typed values
            for key, item in value.items():
                self._check(item, message.members[0].type, f"{where}.{key}", problems, request=request)
            return
        members = self._members(name)
        for key, item in value.items():
            member = members.get(key)
            if member is None:
                problems.append(f"{where}: unknown field {key}")
            elif request and member.read_only:
                problems.append(f"{where}: read-only field {key} sent")
            else:
                self._check(item, member.type, f"{where}.{key}", problems, request=request)


@cache
def load_contract() -> Contract:
    return Contract.from_files(spec_dir())
