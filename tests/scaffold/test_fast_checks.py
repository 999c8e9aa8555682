"""Every generated project passes the checks that need no Node: the replay validator, SAM translation
and cfn-lint, the Python projects' own tests on the official runner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from durable_mcp.scaffold import PATTERNS
from durable_mcp.validator import validate_source
from tests.scaffold.iac_checks import cfn_lint, translate_sam
from tests.scaffold.projects import COMBINATIONS, LANGUAGES, PATTERN_KEYS, combo_id, materialise, preview

DURABLE_POLICY_ARN_END = ":iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy"


CODE_LANGUAGES = {".py": "python", ".ts": "typescript", ".js": "javascript"}


@pytest.mark.parametrize(("language", "iac", "pattern"), COMBINATIONS, ids=[combo_id(*c) for c in COMBINATIONS])
def test_handler_tests_and_templates_validate_without_findings(language: str, iac: str, pattern: str) -> None:
    checked = 0
    for item in preview(language, iac, pattern).files:
        suffix = Path(item.path).suffix
        if item.path.startswith(("src/", "test/", "tests/")) and suffix in CODE_LANGUAGES:
            target = CODE_LANGUAGES[suffix]
        elif item.path == "template.yaml":
            target = iac
        else:
            continue
        report = validate_source(item.content, target, path=item.path)
        assert report.findings == [], f"{item.path}: {report.summary}"
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("pattern", PATTERN_KEYS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_sam_template_translates_and_passes_cfn_lint(language: str, pattern: str) -> None:
    translated = translate_sam(preview(language, "sam", pattern).file("template.yaml").content)

    assert cfn_lint(translated) == []
    resources = translated["Resources"]
    function = resources["Function"]["Properties"]
    assert function["DurableConfig"]["ExecutionTimeout"] == PATTERNS[pattern].execution_timeout_s
    role_policies = json.dumps(resources["FunctionRole"]["Properties"]["ManagedPolicyArns"])
    assert DURABLE_POLICY_ARN_END in role_policies
    assert "FunctionAliaslive" in resources


@pytest.mark.parametrize("pattern", PATTERN_KEYS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_cloudformation_template_passes_cfn_lint(language: str, pattern: str) -> None:
    assert cfn_lint(preview(language, "cloudformation", pattern).file("template.yaml").content) == []


@pytest.mark.slow
@pytest.mark.parametrize("pattern", PATTERN_KEYS)
def test_python_project_tests_pass_on_the_official_runner(pattern: str, tmp_path: Path) -> None:
    # Handler and tests are identical for every IaC (test_render checks it), so one run per pattern
    # covers the three Python projects of that pattern.
    root = materialise("python", "sam", pattern, tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    assert " passed" in completed.stdout
