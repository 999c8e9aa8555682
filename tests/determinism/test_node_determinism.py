"""The determinism check on TypeScript handlers (Date, Math.random, crypto.randomUUID perturbed in Node)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from durable_mcp.determinism import check_determinism
from tests.determinism.test_python_determinism import HANDLERS, line_of
from tests.runtimes.conftest import ESBUILD_TOOLCHAIN
from tests.support.node_toolchain import link_node_modules

pytestmark = pytest.mark.node


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for handler in HANDLERS.glob("*.ts"):
        shutil.copy(handler, tmp_path / handler.name)
    link_node_modules(tmp_path, ESBUILD_TOOLCHAIN)
    return tmp_path


@pytest.mark.slow
def test_a_typescript_handler_reading_sources_only_inside_steps_is_deterministic(project: Path) -> None:
    report = check_determinism(f"{project / 'steady.ts'}:handler", max_interruptions=2)
    assert report.deterministic
    assert report.invocations == 3
    assert report.interruption is not None
    assert {finding.kind for finding in report.interruption.findings} == {"ran_twice"}


@pytest.mark.parametrize(
    ("handler", "kind", "source", "marker"),
    [
        ("clock_branch.ts", "operation", "new Date()", "new Date()"),
        ("random_name.ts", "operation", "Math.random", "Math.random()"),
        ("uuid_result.ts", "result", "crypto.randomUUID", "randomUUID()"),
    ],
)
def test_typescript_reads_outside_steps_are_found_with_their_source_line(
    project: Path, handler: str, kind: str, source: str, marker: str
) -> None:
    path = project / handler
    report = check_determinism(f"{path}:handler", json.dumps({"amount": 1}), interruptions=False)
    assert not report.deterministic
    divergence = report.divergences[0]
    assert divergence.kind == kind
    assert [(read.source, read.line) for read in divergence.sources] == [(source, line_of(path, marker))]
