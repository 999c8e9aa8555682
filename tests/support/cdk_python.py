"""What `pip install -e '.[deploy]'` gives a scaffolded Python CDK project: aws-cdk-lib in its .venv
(installing took about 30 s here, 460 MB on disk)."""

from __future__ import annotations

from pathlib import Path

from tests.support.python_venvs import cached_venv

# aws-cdk-lib for Python trails the npm package; the newest on PyPI when these tests were written.
CDK_PYTHON_PACKAGES = ["aws-cdk-lib==2.275.0", "constructs==10.8.1"]


def install_cdk_python(project: Path) -> Path:
    """Point ``project/.venv`` at the cached environment holding aws-cdk-lib."""
    venv = cached_venv("cdk-python-2.275.0", CDK_PYTHON_PACKAGES)
    target = project / ".venv"
    if not target.exists():
        target.symlink_to(venv, target_is_directory=True)
    return target
