"""Every project the scaffolder generates must validate with zero findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from durable_mcp.scaffold import PATTERNS, ProjectSpec, render_project
from durable_mcp.validator import validate_paths

LANGUAGES = ("typescript", "javascript", "python")
IACS = ("cdk", "sam", "cloudformation")


def write(spec: ProjectSpec, root: Path) -> Path:
    for item in render_project(spec).files:
        path = root / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.content, encoding="utf-8")
    return root


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_generated_handlers_have_no_findings(tmp_path: Path, language: str, pattern: str) -> None:
    project = write(ProjectSpec(name="order flow", language=language, iac="cdk", pattern=pattern), tmp_path)
    report = validate_paths([project])
    assert report.files_checked > 0
    assert report.findings == []


@pytest.mark.parametrize("iac", IACS)
def test_generated_templates_have_no_findings(tmp_path: Path, iac: str) -> None:
    project = write(ProjectSpec(name="order flow", language="python", iac=iac, pattern="human-approval"), tmp_path)
    report = validate_paths([project])
    assert report.findings == []
