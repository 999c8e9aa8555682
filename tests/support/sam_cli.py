"""The AWS SAM CLI, for the tests that run it (installing took about 40 s on the 2-core CI machine,
340 MB on disk)."""

from __future__ import annotations

from pathlib import Path

from tests.support.install_once import bin_dir_with
from tests.support.python_venvs import cached_venv

# The version these tests were verified with (its templates, output wording and build validation).
SAM_CLI_VERSION = "1.170.0"


def sam_bin_dir(version: str = SAM_CLI_VERSION) -> Path:
    """A directory holding only ``sam``, not the SAM CLI's own Python (``sam build`` looks for the
    function's runtime on PATH)."""
    venv = cached_venv(f"sam-cli-{version}", [f"aws-sam-cli=={version}"])
    return bin_dir_with(venv.parent / "bin", venv / "bin" / "sam")
