"""Python tools the tests run in their own virtual environments (the SAM CLI, a Python CDK app's
aws-cdk-lib), installed once per machine.

They pin their own boto3, pydantic and friends, so they never go into the project's environment; each
lives in ``$DURABLE_MCP_VENV_CACHE/<name>/`` (default ``~/.cache/durable-mcp/venvs``). A file lock makes
parallel test workers wait for one install.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.install_once import install_once


def cache_root() -> Path:
    default = Path.home() / ".cache" / "durable-mcp" / "venvs"
    return Path(os.environ.get("DURABLE_MCP_VENV_CACHE", default))


def cached_venv(name: str, requirements: list[str]) -> Path:
    """The virtual environment ``name`` with ``requirements`` installed, installing it at most once.

    A failed install skips the test locally; in CI (``CI`` set) it fails, so a broken install can
    never pass as a run that tested nothing.
    """
    try:
        root = install_once(cache_root() / name, lambda root: _install(root / "venv", requirements))
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", None) or ""
        message = f"could not install {' '.join(requirements)}: {exc}\n{detail[-2000:]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return root / "venv"


def _install(venv: Path, requirements: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements],
        check=True,
        timeout=1200,
        capture_output=True,
        text=True,
    )
