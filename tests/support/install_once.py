"""One install per cache directory, however many test workers ask for it at once."""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path


def install_once(root: Path, install: Callable[[Path], None]) -> Path:
    """Run ``install(root)`` unless an earlier run finished it; a file lock makes parallel workers wait.

    A failed install leaves no marker, so the next caller tries again.
    """
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = root / ".installed"
        if not done.exists():
            install(root)
            done.write_text("ok")
    return root
