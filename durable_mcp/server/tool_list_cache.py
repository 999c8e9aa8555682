"""The ``tools/list`` answer cached on disk, so a start need not build every tool.

Registering the tools means importing their modules and letting the SDK generate a pydantic argument
model and JSON schemas for each: more time than everything else of ours at start-up. A client lists
tools when it connects and calls one later, if at all, so the server answers ``tools/list`` from the
catalog an earlier start wrote and registers the real tools when it first needs them.

The catalog is keyed by a fingerprint of everything that shapes it: our sources (paths, sizes and
modification times of every module in the package) and the installed files of the libraries that
generate the schemas. Editing a module or upgrading a library changes the key, so a stale catalog is
never read; an unreadable or invalid file is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import structlog
from mcp.types import Tool
from pydantic import TypeAdapter, ValidationError

from durable_mcp import __version__
from durable_mcp.files import write_atomically

log = structlog.get_logger(__name__)

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# Modules whose files a reinstall of the schema-generating libraries rewrites.
_LIBRARY_MODULES = ("mcp", "mcp_types", "pydantic", "pydantic_core")
_TOOLS = TypeAdapter(list[Tool])


def fingerprint(package_root: Path = _PACKAGE_ROOT) -> str:
    digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    for directory, dirs, files in os.walk(package_root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                _add_stat(digest, Path(directory, name), package_root)
    for module_name in _LIBRARY_MODULES:
        module = sys.modules.get(module_name)
        origin = getattr(module, "__file__", None)
        if origin:
            _add_stat(digest, Path(origin), None)
    return digest.hexdigest()[:24]


def _add_stat(digest: hashlib._Hash, path: Path, root: Path | None) -> None:
    info = path.stat()
    name = path.relative_to(root).as_posix() if root else str(path)
    digest.update(f"{name}:{info.st_size}:{info.st_mtime_ns};".encode())


class ToolListCache:
    """The cached ``tools/list`` answer for one fingerprint, a file in ``directory``."""

    def __init__(self, directory: Path, key: str | None = None) -> None:
        self.directory = directory
        self.key = key or fingerprint()
        self.path = directory / f"tools-{self.key}.json"

    def load(self) -> list[Tool] | None:
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        try:
            return _TOOLS.validate_json(data)
        except ValidationError:
            log.warning("cached tool list unreadable; rebuilding it", path=str(self.path))
            return None

    def store(self, tools: list[Tool]) -> None:
        """Write atomically and drop catalogs of other fingerprints; a read-only cache is not an error."""
        data = _TOOLS.dump_json(tools, by_alias=True, exclude_none=True)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, data)
            for old in self.directory.glob("tools-*.json"):
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            log.info("tool list not cached", path=str(self.path), error=type(exc).__name__)
