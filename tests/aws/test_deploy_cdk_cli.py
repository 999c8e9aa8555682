"""Deploy through the real CDK CLI (pinned, from the shared npm cache) against the moto server.

The CLI synthesizes the app, publishes its assets to the bootstrap bucket and creates the change set
(``cdk deploy --method=prepare-change-set``); durable-mcp describes, executes and waits. What moto
lacks for that is supplied by ``tests.support.moto_cloudformation`` (change set deletion and lookup
as on AWS, SSM-typed stack parameters kept by name, a ``localhost`` endpoint).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from durable_mcp.aws.deploy import apply_deployment, decline_deployment, plan_deployment
from durable_mcp.aws.session import AwsClients, AwsSettings
from durable_mcp.errors import UserError
from durable_mcp.scaffold import ProjectSpec, render_project, write_project
from tests.support.cdk_cli import ACCOUNT, BOOTSTRAP_VERSION_PARAMETER, bootstrap, cdk_bin_dir, install_cdk
from tests.support.cdk_python import install_cdk_python
from tests.support.moto_cloudformation import moto_change_sets_as_aws, moto_on_localhost

pytestmark = [pytest.mark.slow, pytest.mark.node]

PROJECTS = Path(__file__).parent / "projects"
REGION = "us-east-1"
ASSETS_BUCKET = f"cdk-hnb659fds-assets-{ACCOUNT}-{REGION}"
CHANGE_SET_ARN = re.compile(
    rf"^arn:aws:cloudformation:{REGION}:{ACCOUNT}:changeSet/durable-mcp-\d{{14}}-[0-9a-f]{{6}}/"
)
SCAFFOLDED_STACK = "OrderFlowStack"

__all__ = ["moto_change_sets_as_aws", "moto_on_localhost"]  # fixtures, used by name


@pytest.fixture
def cdk_env(moto_on_localhost: str, moto_change_sets_as_aws: None) -> str:
    """AWS pointed at moto (as localhost), the account bootstrapped in us-east-1 by the real `cdk bootstrap`."""
    bootstrap(REGION)
    return moto_on_localhost


def scaffold_typescript(tmp_path: Path) -> Path:
    """A project from durable-mcp's own scaffold, as it is after `npm install`."""
    preview = render_project(ProjectSpec(name="order flow", language="typescript", iac="cdk", pattern="basic"))
    project = Path(write_project(preview, tmp_path / "ts", allowed_roots=[tmp_path]).root)
    install_cdk(project)
    return project


def scaffold_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, venv: bool = True,
                    cdk_installed: bool = True) -> Path:
    """A scaffolded Python CDK project as after `pip install -e '.[deploy]'` into its .venv (when ``venv``),
    with the CDK CLI installed globally (on PATH) when ``cdk_installed``, else only Node.js's npx."""
    preview = render_project(ProjectSpec(name="order flow", language="python", iac="cdk", pattern="basic"))
    project = Path(write_project(preview, tmp_path / "py", allowed_roots=[tmp_path]).root)
    if venv:
        install_cdk_python(project)
    if cdk_installed:
        monkeypatch.setenv("PATH", f"{cdk_bin_dir()}{os.pathsep}{os.environ['PATH']}")
    else:
        assert shutil.which("npx") is not None and shutil.which("cdk") is None, "needs npx and no global cdk"
    return project


@pytest.fixture
def scaffolded_stack() -> Iterator[str]:
    """The scaffolded app's stack; deleted afterwards, as tests on one moto server share its name."""
    yield SCAFFOLDED_STACK
    if stack_status(SCAFFOLDED_STACK) is not None:
        boto3.client("cloudformation").delete_stack(StackName=SCAFFOLDED_STACK)


def greeting_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The cdk-params app and the CloudFormation name of its stack (GREETING_STACK_NAME, not the id)."""
    project = Path(shutil.copytree(PROJECTS / "cdk-params", tmp_path / "cdk-params"))
    install_cdk(project)
    name = f"greeting-{tmp_path.name.replace('_', '-')[-40:]}"
    monkeypatch.setenv("GREETING_STACK_NAME", name)
    return project, name


def stack_status(stack: str, region: str = REGION) -> str | None:
    cfn = boto3.client("cloudformation", region_name=region)
    try:
        return cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError:
        return None


def deployed_function(stack: str) -> dict:
    resources = boto3.client("cloudformation").describe_stack_resources(StackName=stack)["StackResources"]
    [name] = [r["PhysicalResourceId"] for r in resources if r.get("ResourceType") == "AWS::Lambda::Function"]
    return boto3.client("lambda").get_function_configuration(FunctionName=name)


def published_zip_sha256() -> set[str]:
    """Base64 SHA-256 of every zip the CLI published to the bootstrap bucket (Lambda's CodeSha256 form)."""
    s3 = boto3.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=ASSETS_BUCKET).get("Contents", [])]
    return {
        base64.b64encode(hashlib.sha256(s3.get_object(Bucket=ASSETS_BUCKET, Key=key)["Body"].read()).digest()).decode()
        for key in keys
        if key.endswith(".zip")
    }


def test_scaffolded_project_is_built_published_and_planned_by_the_cdk_cli_then_applied(
    cdk_env, scaffolded_stack, tmp_path
):
    project = scaffold_typescript(tmp_path)
    clients = AwsClients()

    plan = plan_deployment(project, stack_name=scaffolded_stack, clients=clients, poll_seconds=0)

    assert (plan.tool, plan.method, plan.change_set_type) == ("cdk-cli", "cdk", "CREATE")
    assert plan.change_set_arn is not None and CHANGE_SET_ARN.match(plan.change_set_arn)
    assert (project / "dist" / "index.js").is_file()  # the project's own `npm run build` ran first
    assert plan.notes[0].startswith("Built the code with `npm run build` (esbuild src/index.ts")
    assert plan.artifact_bucket == ASSETS_BUCKET  # read from the cloud assembly the CLI wrote
    types = {change.resource_type for change in plan.changes}
    assert {"AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::IAM::Role"} <= types
    assert all(change.action == "Add" for change in plan.changes)
    assert stack_status(SCAFFOLDED_STACK) == "REVIEW_IN_PROGRESS"

    result = apply_deployment(plan, clients=clients, poll_seconds=0)

    assert result.status == "CREATE_COMPLETE"
    config = deployed_function(SCAFFOLDED_STACK)
    assert [f.function_arn for f in result.functions] == [config["FunctionArn"]]
    assert (config["Runtime"], config["Handler"]) == ("nodejs22.x", "index.handler")
    assert config["CodeSha256"] in published_zip_sha256()  # the bundle the CLI published is what runs
    # moto drops DurableConfig from the function, so read what CloudFormation was asked to create.
    template = boto3.client("cloudformation").get_template(StackName=SCAFFOLDED_STACK)["TemplateBody"]
    [function] = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert function["Properties"]["DurableConfig"] == {"ExecutionTimeout": 3600, "RetentionPeriodInDays": 7}


def test_a_code_change_is_planned_as_an_update_and_applied(cdk_env, scaffolded_stack, tmp_path):
    project = scaffold_typescript(tmp_path)
    clients = AwsClients()
    stack = scaffolded_stack
    apply_deployment(plan_deployment(project, stack_name=stack, clients=clients, poll_seconds=0),
                     clients=clients, poll_seconds=0)
    before = deployed_function(stack)["CodeSha256"]
    source = project / "src" / "index.ts"
    source.write_text(source.read_text() + "\nexport const revision = 2;\n")

    plan = plan_deployment(project, stack_name=stack, clients=clients, poll_seconds=0)

    assert plan.change_set_type == "UPDATE" and plan.tool == "cdk-cli"
    assert any(line.startswith("Modify Function") and "(AWS::Lambda::Function)" in line for line in plan.preview)
    result = apply_deployment(plan, clients=clients, poll_seconds=0)
    assert result.status == "UPDATE_COMPLETE"
    after = deployed_function(stack)["CodeSha256"]
    assert after != before and after in published_zip_sha256()


def test_parameters_reach_the_change_set_of_a_stack_named_apart_from_its_id(cdk_env, tmp_path, monkeypatch):
    project, name = greeting_project(tmp_path, monkeypatch)
    clients = AwsClients()

    plan = plan_deployment(project, stack_name="GreetingStack", parameters={"Greeting": "bonjour"},
                           clients=clients, poll_seconds=0)

    assert plan.stack_name == name and plan.change_set_type == "CREATE"
    assert plan.notes == []  # no package.json, so nothing to build
    described = boto3.client("cloudformation").describe_change_set(StackName=name, ChangeSetName=plan.change_set_arn)
    assert {"ParameterKey": "Greeting", "ParameterValue": "bonjour"} in described["Parameters"]
    apply_deployment(plan, clients=clients, poll_seconds=0)
    assert deployed_function(name)["Environment"]["Variables"] == {"GREETING": "bonjour"}


def test_a_stack_inside_a_stage_is_planned_by_the_path_the_cli_lists(cdk_env, tmp_path, monkeypatch):
    project, name = greeting_project(tmp_path, monkeypatch)
    monkeypatch.setenv("GREETING_STAGE", "Beta")
    clients = AwsClients()

    plan = plan_deployment(project, stack_name="Beta/GreetingStack", clients=clients, poll_seconds=0)

    assert plan.stack_name == name and plan.change_set_type == "CREATE"
    assert plan.artifact_bucket == ASSETS_BUCKET  # read from the Stage's nested assembly
    apply_deployment(plan, clients=clients, poll_seconds=0)
    assert deployed_function(name)["Environment"]["Variables"] == {"GREETING": "hello"}


def test_declined_cdk_plan_leaves_no_stack(cdk_env, tmp_path, monkeypatch):
    project, name = greeting_project(tmp_path, monkeypatch)
    plan = plan_deployment(project, stack_name="GreetingStack", clients=AwsClients(), poll_seconds=0)
    assert stack_status(name) == "REVIEW_IN_PROGRESS"

    decline_deployment(plan, clients=AwsClients())

    assert stack_status(name) is None


def test_a_stack_id_the_app_does_not_have_is_named(cdk_env, tmp_path, monkeypatch):
    project, _ = greeting_project(tmp_path, monkeypatch)

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name="OrdersStack", clients=AwsClients(), poll_seconds=0)

    assert str(raised.value).startswith("The CDK app has no stack by that id: stack_name must be the id of a stack")
    assert "No stacks match the name(s) OrdersStack" in str(raised.value)


def test_an_account_without_cdk_bootstrap_is_told_to_run_it(cdk_env, tmp_path, monkeypatch):
    project, name = greeting_project(tmp_path, monkeypatch)

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name="GreetingStack", region="eu-west-1", clients=AwsClients(),
                        poll_seconds=0)

    message = str(raised.value)
    assert message.startswith(
        f"The CDK is not bootstrapped in aws://{ACCOUNT}/eu-west-1: `cdk deploy` publishes code and templates"
    )
    assert f"Run `npx cdk bootstrap aws://{ACCOUNT}/eu-west-1` in the project" in message
    assert "SSM parameter /cdk-bootstrap/hnb659fds/version not found" in message  # the CLI's own words
    assert stack_status(name, "eu-west-1") is None


def test_an_outdated_bootstrap_is_told_to_update_it(cdk_env, tmp_path, monkeypatch):
    boto3.client("ssm", region_name="us-west-2").put_parameter(
        Name=BOOTSTRAP_VERSION_PARAMETER, Value="1", Type="String"
    )
    project, _ = greeting_project(tmp_path, monkeypatch)

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name="GreetingStack", region="us-west-2", clients=AwsClients(),
                        poll_seconds=0)

    assert str(raised.value).startswith(
        f"The CDK bootstrap stack in aws://{ACCOUNT}/us-west-2 is version 1, and this app needs version 6 or "
        f"later: run `npx cdk bootstrap aws://{ACCOUNT}/us-west-2` in the project to update it"
    )


def test_a_project_without_npm_install_is_told_to_run_it(aws_env, tmp_path):
    preview = render_project(ProjectSpec(name="bare", language="typescript", iac="cdk", pattern="basic"))
    project = Path(write_project(preview, tmp_path / "bare", allowed_roots=[tmp_path]).root)

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name=SCAFFOLDED_STACK, clients=AwsClients(), poll_seconds=0)

    assert str(raised.value).startswith("The CDK app in ")
    assert "run `npm install` in the project, then plan again." in str(raised.value)


def test_code_that_was_never_built_is_named_when_there_is_no_build_script(aws_env, tmp_path):
    project = scaffold_typescript(tmp_path)
    manifest = json.loads((project / "package.json").read_text())
    del manifest["scripts"]["build"]
    (project / "package.json").write_text(json.dumps(manifest))

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name=SCAFFOLDED_STACK, clients=AwsClients(), poll_seconds=0)

    assert str(raised.value).startswith(
        f"The CDK app deploys code from {project / 'dist'}, which does not exist: build the code first"
    )
    assert stack_status(SCAFFOLDED_STACK) is None


def test_planning_an_unchanged_app_again_is_a_plan_without_changes(cdk_env, tmp_path, monkeypatch):
    project, name = greeting_project(tmp_path, monkeypatch)
    clients = AwsClients()
    first = plan_deployment(project, stack_name="GreetingStack", clients=clients, poll_seconds=0)
    apply_deployment(first, clients=clients, poll_seconds=0)

    # The CLI keeps the empty change set without printing its ARN; it is found by the plan's name.
    again = plan_deployment(project, stack_name="GreetingStack", clients=clients, poll_seconds=0)

    assert again.no_changes and again.change_set_type == "UPDATE" and again.stack_name == name
    assert again.change_set_name.startswith("durable-mcp-") and again.change_set_name != first.change_set_name
    assert again.preview == ["No changes: the stack already matches the template."]
    result = apply_deployment(again, clients=clients, poll_seconds=0)
    assert result.notes == ["No changes to apply."] and result.status == "CREATE_COMPLETE"


def test_a_failing_build_stops_the_plan_before_the_cdk_runs(aws_env, tmp_path):
    project = scaffold_typescript(tmp_path)
    (project / "src" / "index.ts").write_text("export const handler = (;\n")

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name=SCAFFOLDED_STACK, clients=AwsClients(), poll_seconds=0)

    message = str(raised.value)
    assert message.startswith("The project's build (`npm run build`) failed, so there is no code to deploy")
    assert "src/index.ts:1:" in message  # esbuild's own report follows
    assert stack_status(SCAFFOLDED_STACK) is None


def test_the_plans_profile_wins_over_one_in_cdk_json(cdk_env, tmp_path, monkeypatch):
    credentials = tmp_path / "credentials"
    credentials.write_text("[durable]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    project, name = greeting_project(tmp_path, monkeypatch)
    settings = json.loads((project / "cdk.json").read_text())
    (project / "cdk.json").write_text(json.dumps({**settings, "profile": "someone-elses"}))

    clients = AwsClients(AwsSettings(profile="durable", region=REGION))
    plan = plan_deployment(project, stack_name="GreetingStack", clients=clients, poll_seconds=0)

    assert plan.tool == "cdk-cli" and stack_status(name) == "REVIEW_IN_PROGRESS"


def test_a_stack_pinned_to_another_region_is_planned_and_applied_there(cdk_env, tmp_path, monkeypatch):
    project, name = greeting_project(tmp_path, monkeypatch)
    monkeypatch.setenv("GREETING_REGION", REGION)
    clients = AwsClients(AwsSettings(region="eu-west-1"))

    plan = plan_deployment(project, stack_name="GreetingStack", clients=clients, poll_seconds=0)

    assert plan.region == REGION and plan.change_set_type == "CREATE"
    assert plan.notes == [
        f"The CDK app pins stack GreetingStack to {REGION} (its env), so the change set is there, not in eu-west-1."
    ]
    result = apply_deployment(plan, clients=clients, poll_seconds=0)
    assert result.status == "CREATE_COMPLETE" and stack_status(name, "eu-west-1") is None


def test_a_pinned_stack_planned_again_without_changes_is_found_in_its_region(cdk_env, tmp_path, monkeypatch):
    project, name = greeting_project(tmp_path, monkeypatch)
    monkeypatch.setenv("GREETING_REGION", REGION)
    clients = AwsClients(AwsSettings(region="eu-west-1"))
    apply_deployment(plan_deployment(project, stack_name="GreetingStack", clients=clients, poll_seconds=0),
                     clients=clients, poll_seconds=0)

    # No change set ARN is printed this time; the assembly still says where the stack lives.
    again = plan_deployment(project, stack_name="GreetingStack", clients=clients, poll_seconds=0)

    assert again.no_changes and again.region == REGION and again.stack_name == name
    assert again.artifact_bucket == f"cdk-hnb659fds-assets-{ACCOUNT}-{REGION}"


def test_a_scaffolded_python_cdk_app_is_planned_from_its_venv_and_applied(
    cdk_env, scaffolded_stack, tmp_path, monkeypatch
):
    project = scaffold_python(tmp_path, monkeypatch)
    clients = AwsClients()

    plan = plan_deployment(project, stack_name=scaffolded_stack, clients=clients, poll_seconds=0)

    assert (plan.tool, plan.method, plan.change_set_type) == ("cdk-cli", "cdk", "CREATE")
    assert plan.notes == []  # no package.json: nothing to build, the code directory is the asset
    assert plan.artifact_bucket == ASSETS_BUCKET
    types = {change.resource_type for change in plan.changes}
    assert {"AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::IAM::Role"} <= types

    result = apply_deployment(plan, clients=clients, poll_seconds=0)

    assert result.status == "CREATE_COMPLETE"
    config = deployed_function(scaffolded_stack)
    assert (config["Runtime"], config["Handler"]) == ("python3.13", "order_flow.handler.handler")
    assert config["CodeSha256"] in published_zip_sha256()


def test_a_python_cdk_app_without_aws_cdk_lib_is_told_to_install_its_deploy_extra(
    aws_env, tmp_path, monkeypatch
):
    # No CDK CLI installed either: the planner runs it through npx, as the project's README does.
    project = scaffold_python(tmp_path, monkeypatch, venv=False, cdk_installed=False)
    # The python3 the CLI finds first is one without aws-cdk-lib (this test run's own).
    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "python3").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")

    with pytest.raises(UserError) as raised:
        plan_deployment(project, stack_name=SCAFFOLDED_STACK, clients=AwsClients(), poll_seconds=0)

    message = str(raised.value)
    assert message.startswith("The CDK app is a Python program and the Python that ran it lacks aws-cdk-lib.")
    assert ".venv/bin/pip install -e '.[deploy]'" in message
    assert "No module named 'aws_cdk'" in message  # the app's own traceback follows
    assert stack_status(SCAFFOLDED_STACK) is None
