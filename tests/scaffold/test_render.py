"""Rendering: input checks, the files of each combination, and the settings the infrastructure carries."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from durable_mcp.errors import UnsupportedFrameworkError, UnsupportedLanguageError, UserError
from durable_mcp.scaffold import PATTERNS, ProjectSpec, render_project
from tests.scaffold.projects import COMBINATIONS, IACS, LANGUAGES, PACKAGE, PATTERN_KEYS, combo_id, preview

DURABLE_POLICY = "AWSLambdaBasicDurableExecutionRolePolicy"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !Sub, !GetAtt) as plain tagged values."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: {suffix: loader.construct_scalar(node)}
                                 if isinstance(node, yaml.ScalarNode) else {suffix: loader.construct_sequence(node)})


def template(language: str, iac: str, pattern: str) -> dict[str, object]:
    loaded = yaml.load(preview(language, iac, pattern).file("template.yaml").content, Loader=_CfnLoader)
    assert isinstance(loaded, dict)
    return loaded


def test_defaults_are_typescript_cdk_basic() -> None:
    spec = ProjectSpec(name="demo")
    assert (spec.language, spec.iac, spec.pattern) == ("typescript", "cdk", "basic")
    paths = {f.path for f in render_project(spec).files}
    assert {"src/index.ts", "test/handler.test.ts", "infra/lib/stack.ts", "package.json"} <= paths


def test_unsupported_language_uses_the_standard_wording() -> None:
    with pytest.raises(UnsupportedLanguageError) as caught:
        ProjectSpec(name="demo", language="rust")
    assert str(caught.value) == str(UnsupportedLanguageError("rust"))


def test_unsupported_framework_uses_the_standard_wording() -> None:
    with pytest.raises(UnsupportedFrameworkError) as caught:
        ProjectSpec(name="demo", iac="terraform")
    assert str(caught.value) == str(UnsupportedFrameworkError("terraform"))


def test_unknown_pattern_lists_every_pattern() -> None:
    with pytest.raises(UserError) as caught:
        ProjectSpec(name="demo", pattern="fan-out")
    message = str(caught.value)
    assert "fan-out" in message
    assert all(key in message for key in PATTERNS)


def test_aliases_are_normalised() -> None:
    spec = ProjectSpec(name="demo", language="py", iac="cfn", pattern="Human_Approval")
    assert (spec.language, spec.iac, spec.pattern) == ("python", "cloudformation", "human-approval")


@pytest.mark.parametrize(("language", "iac", "pattern"), COMBINATIONS, ids=[combo_id(*c) for c in COMBINATIONS])
def test_every_combination_renders_its_files(language: str, iac: str, pattern: str) -> None:
    project = preview(language, iac, pattern)
    paths = {f.path for f in project.files}
    if language == "python":
        expected = {f"src/{PACKAGE}/handler.py", "tests/test_handler.py", "pyproject.toml"}
    else:
        ext = "ts" if language == "typescript" else "js"
        expected = {f"src/index.{ext}", f"test/handler.test.{ext}", "package.json", "jest.config.mjs",
                    "eslint.config.mjs"}
    expected |= {"README.md", ".gitignore"}
    expected |= {"cdk.json"} if iac == "cdk" else {"template.yaml"}
    assert expected <= paths
    for item in project.files:
        assert item.content.strip(), item.path
        assert "{%" not in item.content and "{{ " not in item.content, item.path
    readme = project.file("README.md").content
    assert "AliasArn" in readme and "--durable-execution-name" in readme


@pytest.mark.parametrize("pattern", PATTERN_KEYS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_handler_and_tests_do_not_depend_on_the_iac(language: str, pattern: str) -> None:
    def code(iac: str) -> dict[str, str]:
        return {f.path: f.content for f in preview(language, iac, pattern).files
                if f.path.startswith(("src/", "test/", "tests/"))}

    assert code("cdk") == code("sam") == code("cloudformation")


@pytest.mark.parametrize("pattern", PATTERN_KEYS)
def test_javascript_and_typescript_share_the_cdk_app(pattern: str) -> None:
    def infra(language: str) -> dict[str, str]:
        return {f.path: f.content for f in preview(language, "cdk", pattern).files
                if f.path.startswith("infra/") or f.path == "cdk.json"}

    assert infra("javascript") == infra("typescript")
    assert json.loads(preview("javascript", "cdk", pattern).file("tsconfig.json").content)["include"] == ["infra"]


@pytest.mark.parametrize("pattern", PATTERN_KEYS)
@pytest.mark.parametrize("iac", ["sam", "cloudformation"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_templates_carry_durable_config_alias_policy_and_logs(language: str, iac: str, pattern: str) -> None:
    doc = template(language, iac, pattern)
    resources = doc["Resources"]
    assert isinstance(resources, dict)
    function = resources["Function"]["Properties"]
    spec = PATTERNS[pattern]
    assert function["DurableConfig"] == {"ExecutionTimeout": spec.execution_timeout_s,
                                         "RetentionPeriodInDays": spec.retention_days}
    assert function["Runtime"] == ("python3.13" if language == "python" else "nodejs22.x")
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "FunctionLogGroup"}
    assert resources["FunctionLogGroup"]["Type"] == "AWS::Logs::LogGroup"
    text = preview(language, iac, pattern).file("template.yaml").content
    assert DURABLE_POLICY in text
    if iac == "sam":
        assert function["AutoPublishAlias"] == "live"
    else:
        assert resources["FunctionAlias"]["Properties"]["Name"] == "live"
        assert resources["FunctionVersion"]["Type"] == "AWS::Lambda::Version"
    assert ("CallbackResponderPolicy" in resources) is spec.answers_callbacks
    assert ("bedrock:InvokeModel" in text) is spec.invokes_models


@pytest.mark.parametrize("language", ["typescript", "python"])
@pytest.mark.parametrize("pattern", PATTERN_KEYS)
def test_cdk_apps_carry_the_same_settings(language: str, pattern: str) -> None:
    project = preview(language, "cdk", pattern)
    stack = project.file("infra/stack.py" if language == "python" else "infra/lib/stack.ts").content
    spec = PATTERNS[pattern]
    assert f"seconds({spec.execution_timeout_s})" in stack
    assert f"days({spec.retention_days})" in stack
    assert f"service-role/{DURABLE_POLICY}" in stack
    assert "LogGroup" in stack and "Alias" in stack
    assert ("SendDurableExecutionCallbackSuccess" in stack) is spec.answers_callbacks


@pytest.mark.parametrize("iac", IACS)
@pytest.mark.parametrize("language", ["typescript", "javascript"])
def test_package_json_pins_versions_that_install_here(language: str, iac: str) -> None:
    manifest = json.loads(preview(language, iac, "basic").file("package.json").content)
    dev = manifest["devDependencies"]
    assert manifest["dependencies"]["@aws/durable-execution-sdk-js"].startswith("^2.")
    assert dev["@aws/durable-execution-sdk-js-testing"].startswith("^1.")
    if language == "typescript" or iac == "cdk":
        assert dev["typescript"] == "~6.0.3"
    if language == "typescript":
        assert "@types/aws-lambda" in dev
    assert ("aws-cdk-lib" in dev) is (iac == "cdk")
    assert manifest["engines"]["node"] == ">=22"


def test_python_cdk_project_declares_its_deploy_dependencies() -> None:
    pyproject = preview("python", "cdk", "basic").file("pyproject.toml").content
    assert "aws-cdk-lib" in pyproject
    assert "aws-durable-execution-sdk-python-testing" in pyproject


def test_rendering_writes_nothing(tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    render_project(ProjectSpec(name="quiet", language="python", iac="sam", pattern="saga"))
    assert list(tmp_path.iterdir()) == []  # type: ignore[attr-defined]


_MODULE = re.compile(r"""(?:from\s+|require\(|import\s+)["']([^"'./][^"']*)["']""")


def _package_of(specifier: str) -> str:
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


@pytest.mark.parametrize(("language", "iac", "pattern"), [c for c in COMBINATIONS if c[0] != "python"],
                         ids=[combo_id(*c) for c in COMBINATIONS if c[0] != "python"])
def test_every_imported_npm_package_is_declared(language: str, iac: str, pattern: str) -> None:
    # The Node checks share one toolchain, so a package missing from one manifest would go unnoticed there.
    project = preview(language, iac, pattern)
    manifest = json.loads(project.file("package.json").content)
    declared = {**manifest["dependencies"], **manifest["devDependencies"]}
    imported = {
        _package_of(specifier)
        for item in project.files
        if item.path.endswith((".ts", ".js", ".mjs"))
        for specifier in _MODULE.findall(item.content)
        if not specifier.startswith("node:")
    }
    assert {"@aws/durable-execution-sdk-js", "@aws/durable-execution-sdk-js-testing", "@jest/globals"} <= imported
    assert imported <= declared.keys(), f"imported but not declared: {imported - declared.keys()}"
