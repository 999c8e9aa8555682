"""Deploy the fixture SAM and CloudFormation projects to moto: plan, apply, decline, update."""

from __future__ import annotations

import shutil
from pathlib import Path

import boto3
import pytest

from durable_mcp.aws.deploy import (
    StackEvent,
    apply_deployment,
    decline_deployment,
    deploy,
    plan_deployment,
)
from durable_mcp.aws.deploy.project import detect_method
from durable_mcp.aws.session import AwsClients
from durable_mcp.errors import UserError

PROJECTS = Path(__file__).parent / "projects"
BUCKET = "durable-mcp-artifacts-123456789012-us-east-1"


@pytest.fixture
def clients(aws_env: str) -> AwsClients:
    return AwsClients()


def copy_project(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECTS / name, tmp_path / name))


def status(stack: str) -> str | None:
    cfn = boto3.client("cloudformation")
    try:
        return cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError:
        return None


def test_iac_flavour_is_detected(tmp_path):
    assert detect_method(PROJECTS / "sam") == "sam"
    assert detect_method(PROJECTS / "cfn") == "cloudformation"
    (tmp_path / "cdk.json").write_text('{"app": "node app.js"}')
    assert detect_method(tmp_path) == "cdk"
    with pytest.raises(UserError, match="No infrastructure as code"):
        detect_method(PROJECTS)
    with pytest.raises(UserError, match="might not support"):
        detect_method(tmp_path, "pulumi")  # type: ignore[arg-type]


def test_cloudformation_project_plan_then_apply(clients, tmp_path):
    project = copy_project("cfn", tmp_path)
    plan = plan_deployment(
        project, stack_name="cfn-orders", parameters={"Stage": "test"}, clients=clients, poll_seconds=0
    )
    assert plan.method == "cloudformation" and plan.change_set_type == "CREATE" and plan.tool == "boto3"
    assert plan.preview == [
        "Add DurableRole (AWS::IAM::Role)",
        "Add DurableFn (AWS::Lambda::Function)",
        "Add DurableFnVersion (AWS::Lambda::Version)",
        "Add DurableFnAlias (AWS::Lambda::Alias)",
    ]
    assert plan.artifact_bucket == BUCKET and status("cfn-orders") == "REVIEW_IN_PROGRESS"
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert any(key.startswith("durable-mcp/cfn-orders/") and key.endswith(".zip") for key in keys)

    events: list[StackEvent] = []
    result = apply_deployment(plan, progress=events.append, clients=clients, poll_seconds=0)
    assert result.status == "CREATE_COMPLETE"
    assert [f.function_arn for f in result.functions] == ["arn:aws:lambda:us-east-1:123456789012:function:orders-test"]
    assert any(e.status == "CREATE_COMPLETE" and e.logical_id == "cfn-orders" for e in events)
    code = boto3.client("lambda").get_function(FunctionName="orders-test")["Configuration"]["Handler"]
    assert code == "handler.handler"


def test_second_plan_is_an_update(clients, tmp_path):
    project = copy_project("cfn", tmp_path)
    first = plan_deployment(
        project, stack_name="cfn-update", parameters={"Stage": "u"}, clients=clients, poll_seconds=0
    )
    apply_deployment(first, clients=clients, poll_seconds=0)
    (project / "src" / "handler.py").write_text("def handler(event, context):\n    return 2\n")
    second = plan_deployment(
        project, stack_name="cfn-update", parameters={"Stage": "u"}, clients=clients, poll_seconds=0
    )
    assert second.change_set_type == "UPDATE"
    # Planned again at once (within the same second): a change set of its own, the earlier one kept.
    third = plan_deployment(
        project, stack_name="cfn-update", parameters={"Stage": "u"}, clients=clients, poll_seconds=0
    )
    assert third.change_set_name != second.change_set_name
    summaries = boto3.client("cloudformation").list_change_sets(StackName="cfn-update")["Summaries"]
    assert {second.change_set_name, third.change_set_name} <= {s["ChangeSetName"] for s in summaries}


def test_sam_project_is_expanded_and_deployed(clients, tmp_path):
    project = copy_project("sam", tmp_path)
    plan = plan_deployment(project, stack_name="sam-orders", clients=clients, poll_seconds=0, use_installed_cli=False)
    assert plan.method == "sam"
    types = {change.resource_type for change in plan.changes}
    assert {"AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::IAM::Role"} <= types
    assert any("aws-sam-translator" in note for note in plan.notes)
    result = apply_deployment(plan, clients=clients, poll_seconds=0)
    assert result.functions[0].function_arn == "arn:aws:lambda:us-east-1:123456789012:function:sam-orders"
    # moto does not attach ManagedPolicyArns of CFN roles, so read what was submitted.
    body = boto3.client("cloudformation").get_template(StackName="sam-orders")["TemplateBody"]
    role = next(r for r in body["Resources"].values() if r["Type"] == "AWS::IAM::Role")
    policies = role["Properties"]["ManagedPolicyArns"]
    assert any(p.endswith("AWSLambdaBasicDurableExecutionRolePolicy") for p in policies)


def test_declined_plan_leaves_nothing_behind(clients, tmp_path):
    project = copy_project("cfn", tmp_path)
    plan = plan_deployment(
        project, stack_name="cfn-declined", parameters={"Stage": "d"}, clients=clients, poll_seconds=0
    )
    assert status("cfn-declined") == "REVIEW_IN_PROGRESS"
    decline_deployment(plan, clients=clients)
    assert status("cfn-declined") is None


def test_deploy_with_a_confirmation_that_says_no(clients, tmp_path):
    project = copy_project("cfn", tmp_path)
    seen = []
    result = deploy(
        project,
        stack_name="cfn-no",
        parameters={"Stage": "n"},
        clients=clients,
        confirm=lambda plan: seen.append(plan.preview) is not None,
    )
    assert result is None and seen and status("cfn-no") is None


def test_broken_sam_template_is_reported_before_touching_the_stack(clients, tmp_path):
    project = copy_project("sam", tmp_path)
    template = project / "template.yaml"
    broken = template.read_text().replace("AutoPublishAlias: live", "Events:\n        Bad:\n          Type: NotAnEvent")
    template.write_text(broken)
    with pytest.raises(UserError, match="SAM template is invalid"):
        plan_deployment(project, stack_name="sam-broken", clients=clients, use_installed_cli=False)
    assert status("sam-broken") is None


def test_cdk_projects_need_a_stack_name_and_the_cdk_cli(clients, tmp_path, monkeypatch):
    (tmp_path / "cdk.json").write_text('{"app": "node app.js"}')
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(UserError, match="CDK projects need stack_name"):
        plan_deployment(tmp_path, clients=clients)
    with pytest.raises(UserError, match=r"neither the CDK CLI nor Node\.js's npx was found"):
        plan_deployment(tmp_path, stack_name="OrderFlowStack", clients=clients)
    assert status("OrderFlowStack") is None


@pytest.mark.node
def test_without_an_installed_cdk_cli_npx_fetches_it_and_a_registry_failure_is_explained(
        clients, tmp_path, monkeypatch):
    (tmp_path / "cdk.json").write_text('{"app": "python3 app.py"}')
    assert shutil.which("cdk") is None and shutil.which("npx") is not None
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")  # nothing listens there
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    with pytest.raises(UserError) as raised:
        plan_deployment(tmp_path, stack_name="OrderFlowStack", clients=clients)
    message = str(raised.value)
    assert message.startswith("npx could not fetch the CDK CLI (aws-cdk@2) from the npm registry (ECONNREFUSED).")
    assert "`npx --yes aws-cdk@2` failed" in message
    assert status("OrderFlowStack") is None
