"""``durable-mcp demo``: the README's first command, run as a person would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.node_toolchain import require_node

DURABLE_MCP = str(Path(sys.executable).parent / "durable-mcp")


def demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DURABLE_MCP, "demo", *args], capture_output=True, text=True, timeout=600, check=False)


def test_python_journey_scaffolds_validates_runs_and_approves() -> None:
    done = demo()
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for heading in ("[1/5] Scaffold", "[2/5] Validate", "[3/5] Dry-run", "[4/5] Answer", "[5/5] Timeline"):
        assert heading in out
    assert "No replay problems found" in out
    assert "waiting for callback 'approval'" in out
    assert "STEP fulfil-request attempts=1 SUCCEEDED" in out
    assert 'result: {"request_id": "req-1", "status": "approved"}' in out


def test_unknown_language_is_a_usage_error() -> None:
    done = demo("--language", "java")
    assert done.returncode == 2
    assert "invalid choice: 'java'" in done.stderr


@pytest.mark.node
def test_typescript_journey_with_node() -> None:
    require_node()
    done = demo("--language", "typescript")
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'result: {"request_id": "req-1", "status": "approved"}' in done.stdout


def test_guidance_and_prerequisites_commands_mirror_the_tools() -> None:
    guidance = subprocess.run([DURABLE_MCP, "guidance", "waitForCallback", "timeout"], capture_output=True,
                              text=True, timeout=120, check=False)
    assert guidance.returncode == 0
    assert "durable://reference/wait-operations" in guidance.stdout
    prerequisites = subprocess.run([DURABLE_MCP, "prerequisites", "--json"], capture_output=True, text=True,
                                   timeout=120, check=False)
    assert prerequisites.returncode == 0
    assert '"ready_languages"' in prerequisites.stdout
