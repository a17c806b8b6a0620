"""Sending available-to-sell levels to offers.

Positive levels go out as batch quantity commands (``FIXED``, one command per distinct level, at most
1000 offers each); Allegro applies them asynchronously, so each command is followed until it completes
and its per-offer task report says which offers took the level. A level of 0 cannot be sent that way:
depending on the zero-stock rule the offer is ended (PATCH ``stock.available: 0``) or left as it is.
An offer that already shows the level is not sent anything. Levels are absolute, so sending one again
after a crash or a failure is harmless.

An ended offer stays ended whatever its stock, so a quantity command cannot bring it back. An offer
that ended for lack of stock (our zero ended it, or it sold out and showed 0 when we last confirmed
its level) is listed again, once the product has stock, by one PATCH of the level with publication
status ``ACTIVE``. An offer ended while it still had stock was ended by the seller and stays ended;
it gets the level by command like any other, so it is right if the seller lists it again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.channels import Progress
from integrations.allegro.client import MAX_COMMAND_OFFERS, AllegroClient
from integrations.allegro.config import ZERO_STOCK_END, ChannelRules
from integrations.allegro.errors import AllegroError, AllegroInvalidGrant, AllegroTimeout
from integrations.allegro.models import PublicationStatus, TaskStatus

log = logging.getLogger("integrations.allegro")


@dataclass(frozen=True, slots=True)
class OfferTarget:
    offer_id: str
    product_id: int
    level: int
    current: int | None  # the offer's stock as Allegro last showed it (None: unknown)
    status: str | None = None  # the offer's publication status as Allegro last showed it
    zeroed: bool = False  # the last level Allegro confirmed from us was 0

    @property
    def ended_for_lack_of_stock(self) -> bool:
        return self.status == PublicationStatus.ENDED and self.zeroed


@dataclass
class PushResult:
    updated: set[str] = field(default_factory=set)
    unchanged: set[str] = field(default_factory=set)  # already at the level, or 0 left alone
    left: set[str] = field(default_factory=set)  # 0 left alone while the offer shows another level
    failed: dict[str, str] = field(default_factory=dict)  # offer id -> why
    levels: dict[str, int] = field(default_factory=dict)  # offer id -> the level it was meant to get
    statuses: dict[str, str] = field(default_factory=dict)  # offer id -> publication status after a PATCH
    commands: int = 0
    patches: int = 0

    def confirmed(self, offer_id: str) -> bool:
        return offer_id in self.updated or offer_id in self.unchanged


class StockPusher:
    def __init__(self, rules: ChannelRules) -> None:
        self._rules = rules

    async def push(
        self, client: AllegroClient, targets: Sequence[OfferTarget], progress: Progress | None = None
    ) -> PushResult:
        result = PushResult(levels={target.offer_id: target.level for target in targets})
        by_level: dict[int, list[str]] = {}
        patches: list[OfferTarget] = []  # zeros that end offers, levels that list ended offers again
        for target in targets:
            if target.level > 0 and target.ended_for_lack_of_stock:
                patches.append(target)
            elif target.current == target.level:
                result.unchanged.add(target.offer_id)
            elif target.level > 0:
                by_level.setdefault(target.level, []).append(target.offer_id)
            elif self._rules.zero_stock == ZERO_STOCK_END and target.status != PublicationStatus.ENDED:
                patches.append(target)
            else:
                result.unchanged.add(target.offer_id)
                result.left.add(target.offer_id)
        total = len(targets)
        commands = [
            (level, offer_ids[start : start + MAX_COMMAND_OFFERS])
            for level, offer_ids in sorted(by_level.items())
            for start in range(0, len(offer_ids), MAX_COMMAND_OFFERS)
        ]
        sent: list[tuple[uuid.UUID, list[str]]] = []
        for level, offer_ids in commands:
            command_id = uuid.uuid4()
            try:
                await client.set_quantity_command(command_id, level, offer_ids)
            except AllegroInvalidGrant:
                raise
            except AllegroError as exc:
                result.failed.update(dict.fromkeys(offer_ids, _reason(exc)))
                continue
            result.commands += 1
            sent.append((command_id, offer_ids))
        for command_id, offer_ids in sent:
            await self._collect(client, command_id, offer_ids, result)
            await _report(progress, result, total)
        for target in patches:
            try:
                offer = await client.patch_offer_stock(
                    target.offer_id, target.level, activate=target.level > 0
                )
            except AllegroInvalidGrant:
                raise
            except AllegroError as exc:
                result.failed[target.offer_id] = _reason(exc)
            else:
                result.updated.add(target.offer_id)
                if offer.publication is not None and offer.publication.status:
                    result.statuses[target.offer_id] = offer.publication.status
            result.patches += 1
            await _report(progress, result, total)
        return result

    async def _collect(
        self, client: AllegroClient, command_id: uuid.UUID, offer_ids: list[str], result: PushResult
    ) -> None:
        """Wait for the command, then read which of its offers took the level."""
        try:
            await client.wait_for_quantity_command(
                command_id, within=self._rules.command_wait, interval=self._rules.command_poll
            )
            tasks = await client.get_all_quantity_command_tasks(command_id)
        except AllegroInvalidGrant:
            raise
        except AllegroTimeout:
            log.warning("allegro: quantity command %s did not complete in time", command_id)
            result.failed.update(dict.fromkeys(offer_ids, "Allegro has not confirmed the change yet"))
            return
        except AllegroError as exc:
            result.failed.update(dict.fromkeys(offer_ids, _reason(exc)))
            return
        outcome = {task.offer.id: task for task in tasks if task.offer.id}
        for offer_id in offer_ids:
            task = outcome.get(offer_id)
            if task is not None and task.status == TaskStatus.SUCCESS:
                result.updated.add(offer_id)
            elif task is None or task.status == TaskStatus.NEW:
                result.failed[offer_id] = "Allegro has not confirmed the change yet"
            else:
                messages = [error.message for error in task.errors if error.message]
                result.failed[offer_id] = task.message or "; ".join(messages) or "refused by Allegro"


async def _report(progress: Progress | None, result: PushResult, total: int) -> None:
    if progress is not None:
        await progress(len(result.updated) + len(result.unchanged) + len(result.failed), total)


def _reason(exc: AllegroError) -> str:
    return str(exc)[:300]
