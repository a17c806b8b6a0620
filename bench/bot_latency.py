"""Bot latency end to end: `warehouse-bot run` as a subprocess against the fake Bot API, 100,000 products.

    python bench/bot_latency.py [--products 100000] [--users 20] [--rounds 15] [--think 1.0]
                                [--engines postgres,sqlite]

20 staff users work at once, each at a brisk human pace: a search, then a product opened from the
list about `--think` seconds later (±50 %), and so on; they start at random moments within the
first think time, as people do, not all in the same millisecond. `--think 0.3` is a stress test
(~50 updates/s from 20 people, each faster than anyone types). Latency is measured by the fake server's own
clock: from the getUpdates response that delivered the user's update to the bot's first reply call in
that chat (sendMessage / editMessageText / sendPhoto). RSS is the bot subprocess's resident memory
after warm-up and at the end (psutil). Prints JSON lines; targets: p95 ≤ 50 ms, RSS ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
from _common import emit, fresh_postgres, fresh_sqlite, note, percentiles, seed_catalog
from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.db import Database  # noqa: E402
from domain.models import Role, Stock, User, Warehouse  # noqa: E402
from domain.validation import search_words  # noqa: E402
from tests.fakes.telegram import ApiCall, FakeTelegram, FakeUser  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_RSS_MB = 150.0
REPLY_METHODS = frozenset({"sendMessage", "editMessageText", "sendPhoto"})
FIRST_USER_ID = 950_000_001


async def seed(url: str, products: int, users: int) -> list[dict[str, Any]]:
    database = Database(url)
    try:
        rows, _eans = await seed_catalog(database.engine, products)
        async with database.engine.begin() as conn:
            await conn.execute(
                insert(Warehouse.__table__),
                [
                    {"id": 1, "code": "MAIN", "name": "Main", "active": True},
                    {"id": 2, "code": "SHOP", "name": "Shop", "active": True},
                ],
            )
            stock = [
                {
                    "product_id": row["id"],
                    "warehouse_id": 1 + row["id"] % 2,
                    "on_hand": row["id"] % 17,
                    "reserved": 0,
                }
                for row in rows
            ]
            for start in range(0, len(stock), 5_000):
                await conn.execute(insert(Stock.__table__), stock[start : start + 5_000])
            await conn.execute(
                insert(User.__table__),
                [
                    {
                        "telegram_id": FIRST_USER_ID + n,
                        "display_name": f"User {n}",
                        "role": Role.STAFF.value,
                        "active": True,
                        "muted_alerts": [],
                    }
                    for n in range(users)
                ],
            )
            await conn.execute(text("ANALYZE"))
        return [row for row in rows if not row["archived"]]
    finally:
        await database.dispose()


def start_bot(fake: FakeTelegram, url: str, folder: str) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "WEBHOOK_"))}
    env.update(
        BOT_TOKEN=fake.token,
        TELEGRAM_API_URL=fake.url,
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return subprocess.Popen([sys.executable, "-m", "bot"], cwd=folder, env=env)


def postgres_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL server's processes on this machine (all databases)."""
    total = 0.0
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] == "postgres":
            try:
                total += sum(proc.cpu_times()[:2])
            except psutil.NoSuchProcess:
                continue
    return total


def query_for(rng: random.Random, product: dict[str, Any]) -> str:
    """Two words of a name, as staff type them (often without diacritics)."""
    words = [word for word in str(product["name"]).split() if len(word) > 2]
    chosen = rng.sample(words, k=min(2, len(words)))
    return " ".join(search_words(" ".join(chosen)) if rng.random() < 0.5 else chosen)


async def act(
    user: FakeUser,
    rng: random.Random,
    catalog: list[dict[str, Any]],
    rounds: int,
    log: list[tuple[str, int, int]],
    think: float,
) -> None:
    await asyncio.sleep(think * rng.random())
    for _ in range(rounds):
        fake = user.fake
        fake.mark(user.chat_id)
        update = fake.send_text(user, query_for(rng, rng.choice(catalog)))
        reply = await fake.next_bot_message(user.chat_id)
        log.append(("search", user.chat_id, update["update_id"]))
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        products = [b for row in reply.buttons for b in row if b["callback_data"].startswith("p:")]
        if products:
            fake.mark(user.chat_id)
            update = fake.press_button(user, reply.message_id, rng.choice(products)["callback_data"])
            await fake.next_bot_message(user.chat_id)
            log.append(("card", user.chat_id, update["update_id"]))
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))


def latencies(calls: list[ApiCall], log: list[tuple[str, int, int]]) -> dict[str, list[float]]:
    delivered: dict[int, float] = {}
    for call in calls:
        if call.method == "getUpdates" and call.ok:
            for update in call.result:
                delivered.setdefault(update["update_id"], call.time)
    replies: dict[int, list[float]] = {}
    for call in calls:
        if call.method in REPLY_METHODS and call.ok:
            replies.setdefault(int(call.params["chat_id"]), []).append(call.time)
    samples: dict[str, list[float]] = {"search": [], "card": []}
    for kind, chat_id, update_id in log:
        start = delivered[update_id]
        answer = min(moment for moment in replies[chat_id] if moment >= start)
        samples[kind].append((answer - start) * 1000)
    return samples


async def run_engine(engine: str, url: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    catalog = await seed(url, args.products, args.users)
    # The fake server's clock is the latency clock: its process must not stop for a full garbage
    # collection walking 100,000 catalog rows (47-130 ms each, seen as bot latency).
    gc.freeze()
    emit(
        bench="bot_latency",
        engine=engine,
        step="seed",
        products=args.products,
        seconds=round(time.perf_counter() - started, 1),
    )
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="wbbot_") as folder:
        async with FakeTelegram(default_timeout=30.0) as fake:
            bot = start_bot(fake, url, folder)
            try:
                await fake.wait_until(lambda: fake.long_polling, timeout=60)
                users = [fake.user(f"User {n}", id=FIRST_USER_ID + n) for n in range(args.users)]
                warm: list[tuple[str, int, int]] = []
                await asyncio.gather(
                    *(
                        act(user, random.Random(n), catalog, 1, warm, args.think)
                        for n, user in enumerate(users)
                    )
                )
                process = psutil.Process(bot.pid)
                rss_warm = process.memory_info().rss / 2**20
                cpu_before = sum(process.cpu_times()[:2])
                server_before = postgres_cpu()
                own_before = sum(psutil.Process().cpu_times()[:2])
                since = len(fake.calls)
                log: list[tuple[str, int, int]] = []
                began = time.perf_counter()
                await asyncio.gather(
                    *(
                        act(user, random.Random(rng.random()), catalog, args.rounds, log, args.think)
                        for user in users
                    )
                )
                elapsed = time.perf_counter() - began
                rss_end = process.memory_info().rss / 2**20
                bot_cpu = sum(process.cpu_times()[:2]) - cpu_before
                fake_cpu = sum(psutil.Process().cpu_times()[:2]) - own_before
                server_cpu = postgres_cpu() - server_before
                samples = latencies(fake.calls[since:], log)
            finally:
                bot.send_signal(signal.SIGTERM)
                code = bot.wait(timeout=30)
    for kind, values in samples.items():
        stats = percentiles(values)
        emit(
            bench="bot_latency",
            engine=engine,
            step=kind,
            users=args.users,
            think_seconds=args.think,
            samples=len(values),
            **stats,
            target_p95_ms=TARGET_P95_MS,
            ok=stats["p95_ms"] <= TARGET_P95_MS,
        )
    emit(
        bench="bot_latency",
        engine=engine,
        step="rss",
        rss_after_warmup_mb=round(rss_warm, 1),
        rss_end_mb=round(rss_end, 1),
        target_mb=TARGET_RSS_MB,
        ok=max(rss_warm, rss_end) <= TARGET_RSS_MB,
    )
    emit(
        bench="bot_latency",
        engine=engine,
        step="run",
        seconds=round(elapsed, 1),
        updates_per_second=round(len(log) / elapsed, 1),
        bot_cpu_ms_per_update=round(bot_cpu * 1000 / len(log), 2),
        fake_and_users_cpu_ms_per_update=round(fake_cpu * 1000 / len(log), 2),
        postgres_cpu_ms_per_update=round(server_cpu * 1000 / len(log), 2) if engine == "postgres" else None,
        load_average=round(os.getloadavg()[0], 2),
        sigterm_exit_code=code,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a user's actions")
    parser.add_argument("--engines", default="postgres,sqlite")
    args = parser.parse_args()
    for engine in args.engines.split(","):
        note(f"{engine}: seeding {args.products} products …")
        fresh = fresh_postgres() if engine == "postgres" else fresh_sqlite()
        async with fresh as url:
            await run_engine(engine, url, args)


if __name__ == "__main__":
    asyncio.run(main())
