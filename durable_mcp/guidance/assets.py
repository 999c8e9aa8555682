"""Locate and read the shipped reference docs and prompt templates.

The same files live in two places: at the repository root (``reference/``, ``prompts/``) in a source
checkout or editable install, and under ``durable_mcp/_data/`` in a wheel (pyproject force-include).
The packaged copy wins so an installed server never reads a stray checkout next to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from durable_mcp.errors import UserError

AssetKind = Literal["reference", "prompts"]

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
URI_PREFIX = "durable://reference/"


class ReferenceDoc(BaseModel):
    """One reference document: its name (``getting-started``, ``rules/DR001``), title and summary."""

    name: str
    uri: str
    title: str
    summary: str


def asset_dir(kind: AssetKind, package_dir: Path = _PACKAGE_DIR) -> Path:
    """Return the folder holding ``kind`` in the wheel layout or, failing that, the source checkout."""
    candidates = (package_dir / "_data" / kind, package_dir.parent / kind)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise UserError(f"The durable-mcp {kind} folder is missing (looked in {tried}); reinstall durable-mcp.")


def reference_uri(name: str) -> str:
    return f"{URI_PREFIX}{name}"


def _doc_files() -> dict[str, Path]:
    root = asset_dir("reference")
    files = {path.stem: path for path in root.glob("*.md")}
    rules = root / "rules"
    if rules.is_dir():
        files.update({f"rules/{path.stem}": path for path in rules.glob("*.md")})
    return dict(sorted(files.items(), key=lambda item: ("/" in item[0], item[0])))


def parse_title_and_summary(text: str) -> tuple[str, str]:
    """Title is the first ``# `` line; summary is the first paragraph after it."""
    title = ""
    paragraph: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not title:
            if stripped.startswith("# "):
                title = stripped[2:].strip()
            continue
        if not stripped:
            if paragraph:
                break
            continue
        if stripped.startswith(("#", "```", "|")):
            break
        paragraph.append(stripped)
    return title, " ".join(paragraph)


def list_reference_docs() -> list[ReferenceDoc]:
    """All reference documents, topic guides first, then the validator's rule pages."""
    docs = []
    for name, path in _doc_files().items():
        title, summary = parse_title_and_summary(path.read_text(encoding="utf-8"))
        docs.append(ReferenceDoc(name=name, uri=reference_uri(name), title=title or name, summary=summary))
    return docs


def read_reference(name: str) -> str:
    """Return the markdown of one document, by name (``step-operations``, ``rules/DR001``) or its URI.

    A bare rule id (``DR001``, ``dt002``) is accepted for a rule page.
    """
    key = name.strip().removeprefix(URI_PREFIX).removesuffix(".md")
    if key.lower().startswith("rules/"):
        key = key[len("rules/") :]
    files = _doc_files()
    if f"rules/{key.upper()}" in files and key not in files:
        key = f"rules/{key.upper()}"
    path = files.get(key)
    if path is None:
        valid = ", ".join(files)
        raise UserError(f"Unknown reference document {name!r}. Valid names: {valid}.")
    return path.read_text(encoding="utf-8")

