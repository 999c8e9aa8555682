"""The AWS SAM CLI, for the tests that run it (installing took about 40 s on the 2-core CI machine,
340 MB on disk)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from tests.support.python_venvs import cached_venv

# The version these tests were verified with (its templates, output wording and build validation).
SAM_CLI_VERSION = "1.170.0"


def sam_bin_dir(version: str = SAM_CLI_VERSION) -> Path:
    """A directory holding only ``sam``.

    Only ``sam`` is exposed so that putting the directory on PATH does not also put the SAM CLI's own
    Python interpreter there (``sam build`` looks for the function's runtime on PATH).
    """
    venv = cached_venv(f"sam-cli-{version}", [f"aws-sam-cli=={version}"])
    exposed = venv.parent / "bin"
    exposed.mkdir(exist_ok=True)
    link = exposed / "sam"
    with contextlib.suppress(FileExistsError):  # another test worker made it first
        link.symlink_to(venv / "bin" / "sam")
    return exposed
