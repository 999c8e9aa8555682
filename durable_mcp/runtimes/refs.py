"""Handler references: ``path/to/file.ext:export`` and the runtime their extension selects."""

from __future__ import annotations

import hashlib
import re
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


# File names every project uses for its entry point, and folders that only hold code: a function named
# after them would read "index-8df4d639" in every listing, so the project's own folder name leads.
_GENERIC_STEMS = frozenset({"index", "handler", "handlers", "main", "app", "lambda_function", "function"})
_CODE_FOLDERS = frozenset({"src", "dist", "lib", "build", "handlers", "functions", "lambda", "app"})


def function_name_for(handler: str) -> str:
    """A stable function name per handler, so a later callback resumes the right code."""
    path, _, export = handler.rpartition(":")
    file = Path(path or handler)
    name = file.stem
    if name.lower() in _GENERIC_STEMS:
        folder = next((p.name for p in file.resolve().parents if p.name and p.name.lower() not in _CODE_FOLDERS), "")
        name = f"{folder}-{name}" if folder else name
    stem = re.sub(r"[^A-Za-z0-9-]", "-", name)[:40].strip("-") or "handler"
    digest = hashlib.sha256(f"{file.resolve()}:{export}".encode()).hexdigest()[:8]
    return f"{stem}-{digest}"
