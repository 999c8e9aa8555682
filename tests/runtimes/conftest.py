"""Node projects for runtime tests: handler files copied into a temporary project whose
node_modules is the shared toolchain cache (installed once per package set)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.node_toolchain import DURABLE_JS, link_node_modules

HANDLERS = Path(__file__).parent / "handlers"

# The preferred transpiler, and the fallback through the typescript package's transpileModule.
ESBUILD_TOOLCHAIN = {**DURABLE_JS, "esbuild": "^0.28.0"}
TSX_TOOLCHAIN = {**DURABLE_JS, "tsx": "^4.20.0"}
TYPESCRIPT_TOOLCHAIN = {
    **DURABLE_JS,
    "typescript": "~6.0.3",
    "@types/aws-lambda": "^8.10.164",
    "@types/node": "^22",
}

ProjectFactory = Callable[..., Path]


@pytest.fixture
def node_project(tmp_path: Path) -> ProjectFactory:
    """``node_project(*handler files, packages=ESBUILD_TOOLCHAIN)`` -> project directory."""

    def make(*files: str, packages: dict[str, str] = ESBUILD_TOOLCHAIN) -> Path:
        project = tmp_path / "project"
        project.mkdir(exist_ok=True)
        for name in files:
            shutil.copy(HANDLERS / name, project / name)
        link_node_modules(project, packages)
        return project

    return make
