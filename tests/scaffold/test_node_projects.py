"""Generated TypeScript/JavaScript projects type-check, lint and pass their own jest tests on the official
local runner; CDK apps (TypeScript and Python) synthesise offline to templates that pass cfn-lint.

One npm toolchain serves every project: the union of the generated package.json files, installed once
into the shared cache (so the versions have one source of truth, the generated manifests).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from durable_mcp.scaffold import PATTERNS
from tests.scaffold.iac_checks import cfn_lint
from tests.scaffold.projects import (
    PATTERN_KEYS,
    combo_id,
    materialise,
    node_project,
)

pytestmark = [pytest.mark.node, pytest.mark.slow]

DURABLE_POLICY = "service-role/AWSLambdaBasicDurableExecutionRolePolicy"
STACK = "OrderFlowStack"
# CDK puts an explicit DependsOn on the role next to the GetAtt it already has; cfn-lint warns about it.
CDK_KNOWN_WARNINGS = ("W3005",)

NODE_PROJECTS = sorted(
    {(language, "cdk", pattern) for language in ("typescript", "javascript") for pattern in PATTERN_KEYS}
    | {(language, iac, "basic") for language in ("typescript", "javascript") for iac in ("sam", "cloudformation")}
)
TS_CDK_APPS = [("typescript", "cdk", pattern) for pattern in PATTERN_KEYS] + [("javascript", "cdk", "basic")]


def npx(root: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    completed = subprocess.run(
        ["npx", "--no-install", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"npx {' '.join(args)} failed in {root.name}:\n{output[-6000:]}"
    return output


@pytest.mark.parametrize(("language", "iac", "pattern"), NODE_PROJECTS, ids=[combo_id(*c) for c in NODE_PROJECTS])
def test_project_type_checks_lints_and_passes_its_tests(language: str, iac: str, pattern: str, tmp_path: Path) -> None:
    root = node_project(language, iac, pattern, tmp_path)
    # A JavaScript project type-checks only its CDK app, which is the TypeScript project's app
    # (test_render checks it); one JavaScript run proves its tsconfig, the TypeScript runs cover the rest.
    if (root / "tsconfig.json").exists() and (language == "typescript" or pattern == "basic"):
        npx(root, "tsc", "--noEmit", "-p", ".")
    output = npx(root, "jest", "--ci")
    assert "failed" not in output.lower().split("tests:")[-1].split("\n")[0]
    npx(root, "eslint", ".")


def assert_durable_stack(template: dict[str, Any], pattern: str) -> None:
    resources = template["Resources"].values()
    functions = [r["Properties"] for r in resources if r["Type"] == "AWS::Lambda::Function"]
    assert len(functions) == 1
    spec = PATTERNS[pattern]
    assert functions[0]["DurableConfig"] == {"ExecutionTimeout": spec.execution_timeout_s,
                                             "RetentionPeriodInDays": spec.retention_days}
    types = [r["Type"] for r in resources]
    assert {"AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Logs::LogGroup"} <= set(types)
    assert DURABLE_POLICY in json.dumps(template)
    assert ("AWS::IAM::ManagedPolicy" in types) is spec.answers_callbacks
    problems = [m for m in cfn_lint(template) if not m.startswith(tuple(f"[{code}:" for code in CDK_KNOWN_WARNINGS))]
    assert problems == []


@pytest.mark.parametrize(("language", "iac", "pattern"), TS_CDK_APPS, ids=[combo_id(*c) for c in TS_CDK_APPS])
def test_typescript_cdk_app_synthesises(language: str, iac: str, pattern: str, tmp_path: Path) -> None:
    root = node_project(language, iac, pattern, tmp_path)
    npx(root, "esbuild", f"src/index.{'ts' if language == 'typescript' else 'js'}", "--bundle", "--platform=node",
        "--target=node22", "--format=cjs", "--outfile=dist/index.js")
    npx(root, "tsx", "infra/bin/app.ts", env={"CDK_VALIDATION": "false", "CDK_OUTDIR": "cdk.out"})
    template = json.loads((root / "cdk.out" / f"{STACK}.template.json").read_text())
    assert_durable_stack(template, pattern)
    function = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    assert function["Properties"]["Runtime"] == "nodejs22.x"


@pytest.mark.parametrize("pattern", PATTERN_KEYS)
def test_python_cdk_app_synthesises(pattern: str, tmp_path: Path) -> None:
    pytest.importorskip("aws_cdk", reason="aws-cdk-lib is in the test extras; install them")
    root = materialise("python", "cdk", pattern, tmp_path)
    completed = subprocess.run(
        [sys.executable, "infra/app.py"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "CDK_VALIDATION": "false", "CDK_OUTDIR": "cdk.out"},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    template = json.loads((root / "cdk.out" / f"{STACK}.template.json").read_text())
    assert_durable_stack(template, pattern)
    function = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    assert function["Properties"]["Runtime"] == "python3.13"
