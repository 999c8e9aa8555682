"""Shared helpers for the scaffold tests: the combination matrix and rendering/writing projects."""

from __future__ import annotations

import json
from functools import cache
from itertools import product
from pathlib import Path

from durable_mcp.scaffold import PATTERNS, ProjectPreview, ProjectSpec, render_project, write_project
from tests.support.node_toolchain import link_node_modules

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


@cache
def node_packages() -> dict[str, str]:
    """Every dependency any generated package.json declares; the versions must agree across projects."""
    packages: dict[str, str] = {}
    for language, iac, pattern in COMBINATIONS:
        if language == "python":
            continue
        manifest = json.loads(preview(language, iac, pattern).file("package.json").content)
        for name, version in {**manifest["dependencies"], **manifest["devDependencies"]}.items():
            assert packages.setdefault(name, version) == version, f"{name} has two versions"
    return packages


def node_project(language: str, iac: str, pattern: str, parent: Path) -> Path:
    """A TypeScript/JavaScript project as after `npm install` (node_modules from the shared cache)."""
    root = materialise(language, iac, pattern, parent)
    link_node_modules(root, node_packages())
    return root
