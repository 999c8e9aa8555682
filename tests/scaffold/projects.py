"""Shared helpers for the scaffold tests: the combination matrix and rendering/writing projects."""

from __future__ import annotations

from functools import cache
from itertools import product
from pathlib import Path

from durable_mcp.scaffold import PATTERNS, ProjectPreview, ProjectSpec, render_project, write_project

LANGUAGES = ("typescript", "javascript", "python")
IACS = ("cdk", "sam", "cloudformation")
PATTERN_KEYS = tuple(PATTERNS)
COMBINATIONS = list(product(LANGUAGES, IACS, PATTERN_KEYS))
NAME = "order-flow"
PACKAGE = "order_flow"


def combo_id(language: str, iac: str, pattern: str) -> str:
    return f"{language}-{iac}-{pattern}"


@cache
def preview(language: str, iac: str, pattern: str) -> ProjectPreview:
    return render_project(ProjectSpec(name=NAME, language=language, iac=iac, pattern=pattern))


def materialise(language: str, iac: str, pattern: str, parent: Path) -> Path:
    """Write the project with the real writer into ``parent/<combination>`` and return its root."""
    target = parent / combo_id(language, iac, pattern)
    written = write_project(preview(language, iac, pattern), target, allowed_roots=[parent])
    return Path(written.root)
