"""`durable-mcp scaffold` writes the project directly, inside the working directory only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def scaffold(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "durable_mcp", "scaffold", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def test_writes_a_python_project_and_prints_next_steps(tmp_path: Path) -> None:
    done = scaffold(tmp_path, "order-flow", "--language", "python", "--iac", "sam", "--pattern", "saga",
                    "--out", "order-flow")

    assert done.returncode == 0, done.stderr
    root = tmp_path / "order-flow"
    assert (root / "src" / "order_flow" / "handler.py").is_file()
    assert (root / "template.yaml").is_file()
    assert "pytest" in done.stdout and "sam deploy" in done.stdout


def test_defaults_to_typescript_with_cdk(tmp_path: Path) -> None:
    done = scaffold(tmp_path, "demo", "--out", "demo")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "demo" / "src" / "index.ts").is_file()
    assert (tmp_path / "demo" / "infra" / "lib" / "stack.ts").is_file()


def test_refuses_an_existing_project_without_overwrite(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "keep.txt").write_text("mine")

    refused = scaffold(tmp_path, "demo", "--out", "demo")
    assert refused.returncode == 2
    assert "overwrite" in refused.stderr
    assert (tmp_path / "demo" / "keep.txt").read_text() == "mine"

    replaced = scaffold(tmp_path, "demo", "--out", "demo", "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert not (tmp_path / "demo" / "keep.txt").exists()


def test_refuses_a_directory_outside_the_working_directory(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    done = scaffold(work, "demo", "--out", str(tmp_path / "elsewhere"))
    assert done.returncode == 2
    assert "outside the allowed roots" in done.stderr
    assert not (tmp_path / "elsewhere").exists()


def test_unsupported_language_is_a_usage_error(tmp_path: Path) -> None:
    done = scaffold(tmp_path, "demo", "--language", "rust", "--out", "demo")
    assert done.returncode == 2
    assert "Durable Execution SDK is not yet available for rust" in done.stderr


def test_pattern_choices_match_the_catalog() -> None:
    # The CLI keeps its own tuple so that building the parser stays free of heavy imports.
    from durable_mcp.cli.scaffold import PATTERN_CHOICES
    from durable_mcp.scaffold import PATTERNS

    assert PATTERN_CHOICES == tuple(PATTERNS)
