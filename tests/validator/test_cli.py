"""``durable-mcp validate``: exit codes, formats, selection and directory walking."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BAD = ("from aws_durable_execution_sdk_python import durable_execution\nimport time\n"
       "@durable_execution\ndef handler(event, context):\n    return time.time()\n")
WARN_ONLY = ("from aws_durable_execution_sdk_python import durable_execution\n"
             "@durable_execution\ndef handler(event, context):\n    print('x')\n")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "durable_mcp", "validate", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(BAD)
    (tmp_path / "src" / "warn.py").write_text(WARN_ONLY)
    for ignored in ("node_modules/pkg", "cdk.out", ".venv", "build"):
        (tmp_path / ignored).mkdir(parents=True)
        (tmp_path / ignored / "index.py").write_text(BAD)
    (tmp_path / ".gitignore").write_text("build/\n")
    return tmp_path


def test_error_finding_exits_1_and_walks_only_project_files(project: Path) -> None:
    result = run(str(project), "--format", "json")
    assert result.returncode == 1, result.stderr
    payload = json.loads(result.stdout)
    assert payload["files_checked"] == 2
    assert {Path(f["path"]).name for f in payload["findings"]} == {"app.py", "warn.py"}


def test_warnings_alone_exit_0(project: Path) -> None:
    result = run(str(project / "src" / "warn.py"))
    assert result.returncode == 0
    assert " warning DR008 " in result.stdout


def test_select_and_ignore(project: Path) -> None:
    assert run(str(project), "--ignore", "DR001").returncode == 0
    selected = run(str(project), "--select", "DR008", "--format", "json")
    assert {f["rule"] for f in json.loads(selected.stdout)["findings"]} == {"DR008"}


def test_usage_errors_exit_2(project: Path) -> None:
    assert run(str(project / "missing.py")).returncode == 2
    assert run(str(project), "--select", "XX999").returncode == 2
    assert run(str(project), "--format", "yaml").returncode == 2


def test_sarif_format_is_json(project: Path) -> None:
    result = run(str(project), "--format", "sarif")
    assert json.loads(result.stdout)["version"] == "2.1.0"
