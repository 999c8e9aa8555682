"""Handler references: ``path/to/file.ext:export`` and the runtime their extension selects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from durable_mcp.errors import UserError

Runtime = Literal["python", "node"]

PYTHON_EXTENSIONS = (".py",)
TYPESCRIPT_EXTENSIONS = (".ts", ".mts", ".cts")
JAVASCRIPT_EXTENSIONS = (".js", ".mjs", ".cjs")
NODE_EXTENSIONS = TYPESCRIPT_EXTENSIONS + JAVASCRIPT_EXTENSIONS


@dataclass(frozen=True)
class HandlerRef:
    path: Path
    export: str

    @property
    def runtime(self) -> Runtime:
        return "python" if self.path.suffix in PYTHON_EXTENSIONS else "node"

    def __str__(self) -> str:
        return f"{self.path}:{self.export}"


def parse_handler_ref(ref: str, default_export: str = "handler") -> HandlerRef:
    """Parse ``file.ts:handler`` (the export defaults to ``handler``) and check the file exists."""
    text = ref.strip()
    if "\0" in text:
        raise UserError("A handler reference cannot contain a NUL character.")
    path_text, sep, export = text.rpartition(":")
    if not sep or not export or "/" in export:
        path_text, export = text, default_export
    path = Path(path_text).expanduser().resolve()
    if path.suffix not in PYTHON_EXTENSIONS + NODE_EXTENSIONS:
        supported = ", ".join(PYTHON_EXTENSIONS + NODE_EXTENSIONS)
        raise UserError(f"Cannot run {path.name}: handler files must end in one of {supported}.")
    if not path.is_file():
        raise UserError(f"Handler file not found: {path}")
    if not export.isidentifier():
        raise UserError(f"{export!r} is not a valid export name; use PATH:handler, e.g. src/index.ts:handler.")
    return HandlerRef(path=path, export=export)
