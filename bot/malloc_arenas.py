"""Cap glibc's malloc arenas for the long-running bot process; called before any thread starts.

glibc gives threads that allocate concurrently arenas of their own, up to eight per core, and an arena
never shrinks much once its memory is fragmented. On SQLite every pooled connection is a thread of its
own (aiosqlite), holding its page cache and prepared statements: as bursts open overflow connections
and the pool closes them again, each left an arena behind. After two minutes of 20 users on SQLite the
bot had 13 arenas holding 18 MB (`bench/bot_latency.py`, /proc/<pid>/smaps). With two arenas — the
main one and one shared by all worker threads — memory freed by a closed connection is reused by the
next one instead: 4.5 MB in that arena, the end-of-run RSS 12 MB lower. The worker threads do little
besides SQLite's own allocations, so sharing one arena costs no measurable latency.

`MALLOC_ARENA_MAX` in the environment (read by glibc at start-up) is the operator's choice and wins.
Other C libraries (musl, macOS) have no arenas to cap: nothing is done there.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import platform
import sys

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
WORKER_ARENAS = 2


def limit_malloc_arenas(arenas: int = WORKER_ARENAS) -> bool:
    """Tell glibc to use at most `arenas` malloc arenas; whether it was done."""
    if sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        return False
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    library = ctypes.util.find_library("c")
    if library is None:
        return False
    done = bool(ctypes.CDLL(library).mallopt(M_ARENA_MAX, arenas))
    if not done:
        log.warning("glibc refused to cap its malloc arenas at %d", arenas)
    return done
