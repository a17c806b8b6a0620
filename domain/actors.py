"""Who did something: recorded on every operation as a short label (plus the user id when a person)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    label: str
    user_id: int | None = None

    @classmethod
    def person(cls, user_id: int, telegram_id: int) -> Actor:
        return cls(f"user:{telegram_id}", user_id)

    @classmethod
    def channel(cls, channel: str, account_name: str) -> Actor:
        return cls(f"{channel}:{account_name}")

    @classmethod
    def system(cls) -> Actor:
        return cls("system")

    @classmethod
    def cli(cls) -> Actor:
        return cls("cli")
