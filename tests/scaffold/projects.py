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


def example_handler(language: str, pattern: str, parent: Path) -> Path:
    """The handler file of the example project (Python with SAM, TypeScript/JavaScript with CDK)."""
    if language == "python":
        root = materialise("python", "sam", pattern, parent)
        return next((root / "src").glob("*/handler.py"))
    root = node_project(language, "cdk", pattern, parent)
    return next(path for path in (root / "src").iterdir() if path.stem == "index")


_TOOL_USE = {"toolUseId": "call-1", "name": "get_weather", "input": {"city": "Paris"}}
_FIRST_REPLY = {"role": "assistant", "content": [{"toolUse": _TOOL_USE}]}
_LAST_REPLY = {"role": "assistant", "content": [{"text": "It is sunny in Paris."}]}

# Runs of the examples that the golden histories and the determinism check cover:
# case -> (pattern, input, extra arguments for `durable-mcp run` / `check-determinism`)
EXAMPLE_RUNS: dict[str, tuple[str, str, list[str]]] = {
    "basic": ("basic", PATTERNS["basic"].example_input, []),
    "basic-invalid": ("basic", '{"items": []}', []),
    "human-approval": (
        "human-approval", PATTERNS["human-approval"].example_input,
        ["--on-callback", 'approval=succeed:{"approved": true}'],
    ),
    "saga": ("saga", PATTERNS["saga"].example_input, []),
    "saga-declined": ("saga", '{"order_id": "order-2", "amount": 5000}', []),
    "batch": ("batch", PATTERNS["batch"].example_input, []),
    # One failure in five is within the tolerated quarter: the other items still complete.
    "batch-partial": (
        "batch",
        '{"items": [{"id": "a", "quantity": 1}, {"id": "broken", "quantity": 0}, {"id": "c", "quantity": 3}, '
        '{"id": "d", "quantity": 4}, {"id": "e", "quantity": 5}]}',
        [],
    ),
    "polling": ("polling", PATTERNS["polling"].example_input, []),
    # The model calls are stubbed with a scripted conversation; the tool step runs for real.
    "agent": (
        "agent", PATTERNS["agent"].example_input,
        ["--stub", f"model-call-0={json.dumps(_FIRST_REPLY)}", "--stub", f"model-call-1={json.dumps(_LAST_REPLY)}"],
    ),
}
