"""Deploy through the real SAM CLI (installed into its own cache venv) against the moto server.

Two things moto lacks are supplied here, each the smallest stand-in for what AWS does:
- CloudFormation expands ``Transform: AWS::Serverless-2016-10-31`` server-side; moto does not, so
  change sets are expanded with aws-sam-translator as they are created (``moto_expands_sam``).
- moto reads a path-style ``TemplateURL`` (what ``sam deploy`` sends for a custom endpoint) only when
  the host is ``localhost``, so the endpoint is named that way for these tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.cloudformation.models import CloudFormationBackend

from durable_mcp.aws.deploy import apply_deployment, decline_deployment, plan_deployment
from durable_mcp.aws.deploy.package import translate_sam
from durable_mcp.aws.deploy.project import is_sam
from durable_mcp.aws.session import AwsClients, AwsSettings
from durable_mcp.errors import UserError
from durable_mcp.scaffold.models import ProjectSpec
from durable_mcp.scaffold.render import render_project
from durable_mcp.scaffold.writer import write_project
from tests.support.moto_cloudformation import moto_on_localhost
from tests.support.node_toolchain import DURABLE_JS, link_node_modules, require_node
from tests.support.sam_cli import sam_bin_dir

pytestmark = pytest.mark.slow
__all__ = ["moto_on_localhost"]  # a fixture, used by name

PROJECTS = Path(__file__).parent / "projects"
BUCKET = "durable-mcp-artifacts-123456789012-us-east-1"
CHANGE_SET_ARN = re.compile(r"^arn:aws:cloudformation:us-east-1:123456789012:changeSet/samcli-deploy\d+/[0-9a-f-]+$")

# What `sam init` writes: its deploy settings must not override the plan's bucket, stack or confirmation.
SAM_INIT_CONFIG = """version = 0.1
[default.global.parameters]
stack_name = "sam-app"
[default.build.parameters]
cached = true
parallel = true
[default.deploy.parameters]
capabilities = "CAPABILITY_IAM"
confirm_changeset = true
resolve_s3 = true
"""


@pytest.fixture
def sam_env(moto_on_localhost: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The real `sam` and the system's own directories on PATH, AWS pointed at moto.

    The system Python (3.11 on this Debian) lets `sam build` copy dependency-free Python code; it
    cannot install dependencies for python3.13/3.14, which is what the missing-runtime test relies on.
    """
    node_dir = os.path.dirname(shutil.which("node") or "/usr/bin/node")
    monkeypatch.setenv("PATH", os.pathsep.join([str(sam_bin_dir()), node_dir, "/usr/bin", "/bin"]))
    monkeypatch.setenv("SAM_CLI_TELEMETRY", "0")
    return moto_on_localhost


@pytest.fixture
def moto_expands_sam(monkeypatch: pytest.MonkeyPatch) -> None:
    original = CloudFormationBackend.create_change_set

    def create_change_set(self: CloudFormationBackend, stack_name: str, change_set_name: str, template: str,
                          parameters: dict[str, str], *args: Any, **kwargs: Any) -> tuple[str, str]:
        from samtranslator.yaml_helper import yaml_parse

        parsed = yaml_parse(template)
        if is_sam(parsed):
            template = json.dumps(translate_sam(parsed, AwsClients(), parameters))
        return original(self, stack_name, change_set_name, template, parameters, *args, **kwargs)

    monkeypatch.setattr(CloudFormationBackend, "create_change_set", create_change_set)


def scaffold_typescript(tmp_path: Path) -> Path:
    preview = render_project(ProjectSpec(name="sam ts flow", language="typescript", iac="sam", pattern="basic"))
    return Path(write_project(preview, tmp_path / "ts", allowed_roots=[tmp_path]).root)


def copy_project(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECTS / name, tmp_path / name))


def stack_status(stack: str) -> str | None:
    cfn = boto3.client("cloudformation")
    try:
        return cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError:
        return None


def test_sam_cli_builds_uploads_and_creates_the_change_set_that_apply_executes(sam_env, moto_expands_sam, tmp_path):
    project = copy_project("sam", tmp_path)
    (project / "samconfig.toml").write_text(SAM_INIT_CONFIG)
    clients = AwsClients()

    plan = plan_deployment(project, stack_name="sam-cli-orders", clients=clients, poll_seconds=0)

    assert plan.tool == "sam-cli" and plan.method == "sam" and plan.change_set_type == "CREATE"
    assert plan.change_set_arn is not None and CHANGE_SET_ARN.match(plan.change_set_arn)
    assert (project / ".aws-sam" / "build" / "OrdersFn" / "handler.py").is_file()
    assert plan.artifact_bucket == BUCKET
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert any(key.startswith("durable-mcp/sam-cli-orders/") and key.endswith(".template") for key in keys)
    types = {change.resource_type for change in plan.changes}
    assert {"AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::IAM::Role"} <= types
    assert "Add OrdersFn (AWS::Lambda::Function)" in plan.preview
    assert stack_status("sam-cli-orders") == "REVIEW_IN_PROGRESS"

    result = apply_deployment(plan, clients=clients, poll_seconds=0)

    assert result.status == "CREATE_COMPLETE"
    assert [f.function_arn for f in result.functions] == ["arn:aws:lambda:us-east-1:123456789012:function:sam-orders"]
    config = boto3.client("lambda").get_function_configuration(FunctionName="sam-orders")
    assert config["Handler"] == "handler.handler" and config["Runtime"] == "python3.13"
    # moto drops DurableConfig from the function, so read what CloudFormation was asked to create.
    body = boto3.client("cloudformation").get_template(StackName="sam-cli-orders")["TemplateBody"]
    function = body["Resources"]["OrdersFn"]
    assert function["Type"] == "AWS::Lambda::Function"
    assert function["Properties"]["DurableConfig"] == {"ExecutionTimeout": 86400, "RetentionPeriodInDays": 14}


def test_sam_cli_plan_without_changes_is_reported_as_such(sam_env, moto_expands_sam, tmp_path):
    project = copy_project("sam", tmp_path)
    clients = AwsClients()
    first = plan_deployment(project, stack_name="sam-cli-same", clients=clients, poll_seconds=0)
    apply_deployment(first, clients=clients, poll_seconds=0)

    second = plan_deployment(project, stack_name="sam-cli-same", clients=clients, poll_seconds=0)

    assert second.no_changes and second.change_set_type == "UPDATE" and second.tool == "sam-cli"
    assert second.preview == ["No changes: the stack already matches the template."]
    result = apply_deployment(second, clients=clients, poll_seconds=0)
    assert result.notes == ["No changes to apply."] and result.status == "CREATE_COMPLETE"


def test_declined_sam_cli_plan_leaves_no_stack(sam_env, moto_expands_sam, tmp_path):
    project = copy_project("sam", tmp_path)
    plan = plan_deployment(project, stack_name="sam-cli-declined", clients=AwsClients(), poll_seconds=0)
    assert stack_status("sam-cli-declined") == "REVIEW_IN_PROGRESS"

    decline_deployment(plan, clients=AwsClients())

    assert stack_status("sam-cli-declined") is None


def test_the_plans_profile_wins_over_one_in_samconfig(sam_env, moto_expands_sam, tmp_path, monkeypatch):
    credentials = tmp_path / "credentials"
    credentials.write_text("[durable]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    project = copy_project("sam", tmp_path)
    (project / "samconfig.toml").write_text(SAM_INIT_CONFIG + 'profile = "someone-elses"\n')

    clients = AwsClients(AwsSettings(profile="durable", region="us-east-1"))
    plan = plan_deployment(project, stack_name="sam-cli-profile", clients=clients, poll_seconds=0)

    assert plan.tool == "sam-cli" and stack_status("sam-cli-profile") == "REVIEW_IN_PROGRESS"


def test_missing_build_runtime_is_named_with_the_ways_forward(sam_env, tmp_path):
    project = copy_project("sam-deps", tmp_path)

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name="sam-cli-deps", clients=AwsClients(), poll_seconds=0)

    message = str(raised.value)
    assert message.startswith(
        "`sam build` could not build the dependencies for DepsFn: runtime python3.14 needs `python3.14` on this "
        "machine to install requirements.txt and none is on PATH. Install python3.14"
    )
    assert "pip install -r requirements.txt -t <CodeUri>" in message
    assert "Binary validation failed for python" in message  # SAM's own words follow, as evidence
    assert stack_status("sam-cli-deps") is None


def test_no_python_at_all_is_named_too(sam_env, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(sam_bin_dir()))
    project = copy_project("sam", tmp_path)

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name="sam-cli-nopython", clients=AwsClients(), poll_seconds=0)

    assert str(raised.value).startswith(
        "`sam build` could not build the code for OrdersFn: it runs Python on this machine to build for "
        "runtime python3.13 and found none on PATH."
    )
    assert stack_status("sam-cli-nopython") is None


@pytest.mark.node
def test_scaffolded_typescript_project_is_bundled_with_its_own_esbuild(sam_env, moto_expands_sam, tmp_path):
    require_node()
    project = scaffold_typescript(tmp_path)
    # What `npm install` in the project gives: esbuild as a devDependency under node_modules/.bin.
    link_node_modules(project, {**DURABLE_JS, "esbuild": "^0.28.0"})
    clients = AwsClients()

    plan = plan_deployment(project, stack_name="sam-cli-ts", clients=clients, poll_seconds=0)

    bundle = project / ".aws-sam" / "build" / "Function" / "index.js"
    assert "@aws/durable-execution-sdk-js" in bundle.read_text() and plan.tool == "sam-cli"
    result = apply_deployment(plan, clients=clients, poll_seconds=0)
    name = result.functions[0].function_arn.rsplit(":", 1)[1]
    config = boto3.client("lambda").get_function_configuration(FunctionName=name)
    assert config["Runtime"] == "nodejs22.x" and config["Handler"] == "index.handler"


@pytest.mark.node
def test_typescript_project_without_npm_install_is_told_to_run_it(sam_env, tmp_path):
    require_node()
    project = scaffold_typescript(tmp_path)

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name="sam-cli-ts-bare", clients=AwsClients(), poll_seconds=0)

    assert str(raised.value).startswith(
        "`sam build` bundles the code for Function with esbuild, which is not installed: run `npm install` "
        "in the project"
    )
    assert stack_status("sam-cli-ts-bare") is None


def test_missing_npm_is_named(sam_env, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(sam_bin_dir()))
    project = scaffold_typescript(tmp_path)

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name="sam-cli-no-npm", clients=AwsClients(), poll_seconds=0)

    assert str(raised.value).startswith(
        "`sam build` needs npm to build the code for Function: install Node.js (with npm) and put npm on PATH."
    )
