"""Which files to check: walk directories, honour .gitignore, skip dependency and build folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pathspec

SKIPPED_DIRS = frozenset({"node_modules", "cdk.out", ".venv", "venv", ".git", "__pycache__", ".aws-sam",
                          ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", ".tox"})
CODE_LANGUAGES = {
    ".py": "python", ".pyi": "python",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "typescript",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
}
TEMPLATE_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".template"})


def language_for(path: Path, text: str | None = None) -> str | None:
    """The language of a file, or None when it is not something the validator checks."""
    language = CODE_LANGUAGES.get(path.suffix.lower())
    if language is not None:
        return language
    if path.suffix.lower() in TEMPLATE_SUFFIXES and text is not None and "AWS::" in text and "Resources" in text:
        return "sam" if "AWS::Serverless" in text else "cloudformation"
    return None


def _load_ignore(directory: Path) -> pathspec.PathSpec[Any] | None:
    ignore = directory / ".gitignore"
    if not ignore.is_file():
        return None
    try:
        lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def iter_files(root: Path) -> Iterator[Path]:
    """Files under ``root`` that may need checking, in a stable order."""
    if root.is_file():
        yield root
        return
    specs: list[tuple[Path, pathspec.PathSpec[Any]]] = []
    for current, dirs, files in os.walk(root):
        here = Path(current)
        spec = _load_ignore(here)
        specs = [(base, s) for base, s in specs if here.is_relative_to(base)]
        if spec is not None:
            specs.append((here, spec))

        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not _ignored(specs, here / d, True))
        for name in sorted(files):
            path = here / name
            suffix = path.suffix.lower()
            if (suffix in CODE_LANGUAGES or suffix in TEMPLATE_SUFFIXES) and not _ignored(specs, path, False):
                yield path


def _ignored(specs: list[tuple[Path, pathspec.PathSpec[Any]]], path: Path, is_dir: bool) -> bool:
    for base, active in specs:
        relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
        if active.match_file(relative):
            return True
    return False
