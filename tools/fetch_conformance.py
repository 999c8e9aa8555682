"""Fetch the official durable-execution conformance requirements (the YAML files).

The requirements are published on PyPI inside the ``aws-durable-execution-conformance-tests`` wheel
(source: https://github.com/aws/aws-durable-execution-conformance-tests). The package requires
Python >= 3.14, so it is downloaded as a pure-Python wheel for 3.14 without installing it; only
``test_requirements/**.yaml`` plus LICENSE and NOTICE are copied out.

    python tools/fetch_conformance.py                 # into ../shared/conformance (or $DURABLE_CONFORMANCE_DIR)
    python tools/fetch_conformance.py --dest DIR --version 1.0.0 --force

``tests/conformance/test_conformance.py`` reads the same location. Exit status 0 on success, 1 with
an explanation when the package cannot be fetched or does not contain the requirements.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-durable-execution-conformance-tests"
DEFAULT_VERSION = "1.0.0"
_PACKAGE_DIR = "aws_durable_execution_conformance_tests/"
_REQUIREMENTS_PREFIX = _PACKAGE_DIR + "test_requirements/"
_LEGAL_FILES = ("LICENSE", "NOTICE")
REPO_ROOT = Path(__file__).resolve().parents[1]

_WHERE_ELSE = (
    f"Get them by hand: `pip download --no-deps --only-binary=:all: --python-version 3.14 {PACKAGE}` and "
    "unzip test_requirements/ from the wheel, or clone "
    "https://github.com/aws/aws-durable-execution-conformance-tests; then point DURABLE_CONFORMANCE_DIR "
    "at the folder that holds test_requirements/."
)


class FetchError(Exception):
    """The requirements could not be fetched; the message says why."""


def default_destination() -> Path:
    configured = os.environ.get("DURABLE_CONFORMANCE_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "conformance"


def download_wheel(version: str, into: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--python-version", "3.14", "--dest", str(into), f"{PACKAGE}=={version}",
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(into.glob("*.whl"))
    if completed.returncode != 0 or not wheels:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        raise FetchError(f"pip could not download {PACKAGE}=={version}: {' | '.join(detail)}")
    return wheels[0]


def extract_requirements(wheel: Path, destination: Path) -> int:
    """Copy the requirement YAMLs (and the licence files) out of the wheel; return how many YAMLs."""
    count = 0
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith(_REQUIREMENTS_PREFIX) and member.endswith(".yaml"):
                relative = member[len(_PACKAGE_DIR) :]
                count += 1
            elif member[len(_PACKAGE_DIR) :] in _LEGAL_FILES and member.startswith(_PACKAGE_DIR):
                relative = member[len(_PACKAGE_DIR) :]
            else:
                continue
            target = destination / relative
            if ".." in Path(relative).parts:
                raise FetchError(f"refusing to extract {member!r} outside {destination}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
    if count == 0:
        raise FetchError(f"{wheel.name} holds no {_REQUIREMENTS_PREFIX}*.yaml")
    return count


def fetch(destination: Path, version: str, force: bool) -> int:
    requirements = destination / "test_requirements"
    if requirements.exists() and any(requirements.iterdir()):
        if not force:
            raise FetchError(f"{requirements} already exists; pass --force to replace it")
        shutil.rmtree(requirements)
    with tempfile.TemporaryDirectory(prefix="conformance-") as scratch:
        wheel = download_wheel(version, Path(scratch))
        return extract_requirements(wheel, destination)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=default_destination(), help="folder to hold test_requirements/")
    parser.add_argument("--version", default=DEFAULT_VERSION, help=f"{PACKAGE} version (default {DEFAULT_VERSION})")
    parser.add_argument("--force", action="store_true", help="replace requirements already present")
    args = parser.parse_args(argv)
    try:
        count = fetch(args.dest, args.version, args.force)
    except FetchError as error:
        print(f"fetch_conformance: {error}\n{_WHERE_ELSE}", file=sys.stderr)
        return 1
    print(f"fetch_conformance: {count} requirements in {args.dest / 'test_requirements'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
