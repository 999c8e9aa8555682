"""One install per cache directory, however many test workers ask for it at once."""

from __future__ import annotations

import contextlib
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


def bin_dir_with(directory: Path, executable: Path) -> Path:
    """``directory`` holding only a link to ``executable``, to put on PATH as a global install would.

    Only that one program: putting the whole ``bin`` of a tool's venv or node_modules on PATH would also
    put its interpreter and helpers there.
    """
    directory.mkdir(exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another test worker made it first
        (directory / executable.name).symlink_to(executable)
    return directory
