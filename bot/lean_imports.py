"""Keep modules the bot never uses out of its process (each one stays resident for its whole life).

`import httpx` tries `from ._main import main`, httpx's command-line client. That import succeeds here
because typer brought click and rich into the environment, and it loads click, rich's console and
pygments' lexers (~2–4 MB resident). None of our code calls httpx's CLI. A module that is `None` in
`sys.modules` raises ImportError on import, which httpx answers with its own fallback `main` (a stub
that explains the CLI's extras are missing), exactly as in an environment without click and rich.

`skip_unused_modules()` must run before anything imports httpx: `bot/__init__.py` calls it, and every
entry point (`python -m bot`, `warehouse-bot`, the tests) imports the `bot` package first. It never
replaces a module already imported (`setdefault`).
"""

from __future__ import annotations

import sys

# Optional parts of third-party packages that fall back cleanly when they cannot be imported.
UNUSED_MODULES = ("httpx._main",)


def skip_unused_modules() -> None:
    """Make UNUSED_MODULES unimportable in this process, unless one is already imported."""
    for name in UNUSED_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
