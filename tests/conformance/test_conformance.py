"""One case per official conformance requirement, run on our engine with the suite's matching rules.

The requirement YAMLs are read from ``../shared/conformance`` next to the repository (override with
``DURABLE_CONFORMANCE_DIR``; ``tools/fetch_conformance.py`` explains how to get them). Requirements
our engine cannot pass are listed in ``KNOWN_GAPS`` with the reason, and run as strict xfails so a
fixed gap shows up as an unexpected pass.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conformance.harness import run_requirement

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE_DIR = Path(os.environ.get("DURABLE_CONFORMANCE_DIR", REPO_ROOT.parent / "shared" / "conformance"))
REQUIREMENTS_DIR = CONFORMANCE_DIR / "test_requirements"

if not REQUIREMENTS_DIR.is_dir():
    pytest.skip(
        f"conformance requirements not found at {REQUIREMENTS_DIR}; set DURABLE_CONFORMANCE_DIR or run "
        "`python tools/fetch_conformance.py`",
        allow_module_level=True,
    )

# Requirement id -> why our engine cannot pass it (true of the engine at the time of writing).
KNOWN_GAPS: dict[str, str] = {}


def _requirement_key(path: Path) -> tuple[int, int]:
    major, minor = path.stem.split("-")
    return int(major), int(minor)


def _requirements() -> list[Any]:
    cases = []
    for path in sorted(REQUIREMENTS_DIR.glob("*/*.yaml"), key=_requirement_key):
        marks = []
        if path.stem in KNOWN_GAPS:
            marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[path.stem], strict=True))
        cases.append(pytest.param(path, id=f"{path.parent.name}/{path.stem}", marks=marks))
    return cases


def _load_handler(suite: str, requirement_id: str) -> tuple[Any, dict[str, Any]]:
    module_name = f"tests.conformance.handlers.{suite}.h_{requirement_id.replace('-', '_')}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            pytest.fail(f"no handler written for {suite}/{requirement_id} ({module_name})")
        raise
    return module.handler, dict(getattr(module, "FUNCTIONS", {}))


@pytest.mark.parametrize("path", _requirements())
def test_requirement(path: Path) -> None:
    handler, functions = _load_handler(path.parent.name, path.stem)
    outcome = run_requirement(yaml.safe_load(path.read_text()), handler, functions)
    assert not outcome.problems, outcome.report()


def test_every_handler_module_belongs_to_a_requirement() -> None:
    handlers_dir = Path(__file__).parent / "handlers"
    requirement_ids = {f"{p.parent.name}/{p.stem}" for p in REQUIREMENTS_DIR.glob("*/*.yaml")}
    handler_ids = {
        f"{p.parent.name}/{p.stem.removeprefix('h_').replace('_', '-')}" for p in handlers_dir.glob("*/h_*.py")
    }
    assert handler_ids - requirement_ids == set()
    assert set(KNOWN_GAPS) <= {rid.split("/")[1] for rid in requirement_ids}
