"""The bot caps glibc's malloc arenas before its threads start (bot/malloc_arenas.py)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import textwrap

import pytest

from bot.malloc_arenas import limit_malloc_arenas

GLIBC = sys.platform == "linux" and platform.libc_ver()[0] == "glibc"

# Eight threads allocate at the same time, each holding its memory, while /proc/self/smaps is read:
# glibc's non-main arenas are mappings aligned to their 64 MiB maximum size.
ARENA_COUNT = textwrap.dedent(
    """
    import ctypes, ctypes.util, re, sys, threading
    from bot.malloc_arenas import limit_malloc_arenas
    limited = limit_malloc_arenas() if sys.argv[1] == "limit" else False
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    ready, done = threading.Barrier(9), threading.Event()
    def work():
        blocks = [libc.malloc(64 * 1024) for _ in range(16)]
        ready.wait()
        done.wait()
    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    ready.wait()
    starts = [int(m.group(1), 16) for m in re.finditer(r"^([0-9a-f]+)-[0-9a-f]+ rw-p 00000000 00:00 0",
              open("/proc/self/smaps").read(), re.M)]
    done.set()
    print(limited, sum(1 for start in starts if start % (64 << 20) == 0))
    """
)


def _arenas(mode: str, **env: str) -> tuple[str, int]:
    environment = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env
    out = subprocess.run(
        [sys.executable, "-c", ARENA_COUNT, mode], capture_output=True, text=True, check=True, env=environment
    ).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(not GLIBC, reason="glibc's malloc arenas")
def test_worker_threads_share_one_arena_once_capped() -> None:
    limited, arenas = _arenas("limit")
    assert limited == "True"
    assert arenas <= 1  # the main arena is the program break, not a 64 MiB-aligned mapping
    assert _arenas("free")[1] >= 4  # the same threads without the cap: the difference is real


@pytest.mark.skipif(not GLIBC, reason="glibc's malloc arenas")
def test_the_operators_malloc_arena_max_wins() -> None:
    limited, arenas = _arenas("limit", MALLOC_ARENA_MAX="4")
    assert limited == "False"
    assert arenas <= 3


@pytest.mark.skipif(GLIBC, reason="only where there are no glibc arenas")
def test_nothing_is_done_without_glibc() -> None:
    assert limit_malloc_arenas() is False
