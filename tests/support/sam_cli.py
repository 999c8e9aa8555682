"""Install the AWS SAM CLI once per machine into its own virtual environment, for the tests that run it.

The SAM CLI pins its own boto3, cfn-lint, aws-sam-translator and pydantic, so it never goes into the
project's environment: it lives in ``$DURABLE_MCP_SAM_CACHE/<version>/`` (default
``~/.cache/durable-mcp/sam-cli``). A file lock makes parallel test workers wait for one install.
Installing took about 40 s on the 2-core CI machine (PyPI wheels, 340 MB on disk).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.install_once import install_once

# The version these tests were verified with (its templates, output wording and build validation).
SAM_CLI_VERSION = "1.170.0"


def cache_root() -> Path:
    default = Path.home() / ".cache" / "durable-mcp" / "sam-cli"
    return Path(os.environ.get("DURABLE_MCP_SAM_CACHE", default))


def sam_bin_dir(version: str = SAM_CLI_VERSION) -> Path:
    """A directory holding only ``sam``, installing the SAM CLI at most once.

    Only ``sam`` is exposed so that putting the directory on PATH does not also put the SAM CLI's own
    Python interpreter there (``sam build`` looks for the function's runtime on PATH).
    A failed install skips the test locally; in CI (``CI`` set) it fails, so a broken install can
    never pass as a run that tested nothing.
    """
    try:
        root = install_once(cache_root() / version, lambda root: _install(root, version))
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", None) or ""
        message = f"could not install aws-sam-cli=={version}: {exc}\n{detail[-2000:]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return root / "bin"


def _install(root: Path, version: str) -> None:
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", f"aws-sam-cli=={version}"],
        check=True,
        timeout=1200,
        capture_output=True,
        text=True,
    )
    exposed = root / "bin"
    exposed.mkdir(exist_ok=True)
    link = exposed / "sam"
    link.unlink(missing_ok=True)
    link.symlink_to(venv / "bin" / "sam")
