"""Install npm packages once per run into a shared cache, for every test that needs Node.

A toolchain is identified by its package list; its ``node_modules`` lives in
``$DURABLE_MCP_NODE_CACHE/<hash>/`` (default ``~/.cache/durable-mcp/node``). A file lock makes
parallel test workers wait for one install instead of racing. Tests link a project's
``node_modules`` to the cached one instead of installing again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.install_once import install_once

# Versions verified to install together on this machine (shared/facts/js-sdk.md).
DURABLE_JS = {
    "@aws/durable-execution-sdk-js": "2.4.0",
    "@aws/durable-execution-sdk-js-testing": "1.1.4",
}


def cache_root() -> Path:
    return Path(os.environ.get("DURABLE_MCP_NODE_CACHE", Path.home() / ".cache" / "durable-mcp" / "node"))


def node_available() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


def require_node() -> None:
    """Skip locally when Node is absent; in CI a missing Node is a failure, never a silent skip."""
    if node_available():
        return
    if os.environ.get("CI"):
        pytest.fail("Node.js and npm are required in CI (install them in .ci/run)")
    pytest.skip("Node.js/npm not installed")


def toolchain(packages: dict[str, str]) -> Path:
    """Return a directory whose ``node_modules`` holds ``packages``, installing them at most once."""
    require_node()
    key = hashlib.sha256(json.dumps(packages, sort_keys=True).encode()).hexdigest()[:16]

    def install(root: Path) -> None:
        manifest = {"name": f"durable-mcp-toolchain-{key}", "private": True, "dependencies": packages}
        (root / "package.json").write_text(json.dumps(manifest, indent=2))
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=root, check=True, timeout=900
        )

    return install_once(cache_root() / key, install)


def link_node_modules(project: Path, packages: dict[str, str]) -> Path:
    """Point ``project/node_modules`` at the cached toolchain for ``packages``."""
    root = toolchain(packages)
    target = project / "node_modules"
    if target.is_symlink() or target.exists():
        return target
    target.symlink_to(root / "node_modules", target_is_directory=True)
    return target
