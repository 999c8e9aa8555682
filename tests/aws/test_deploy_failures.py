"""Failed stacks: the failing resource and reason are reported, and the stack is left redeployable.

moto creates stacks synchronously and cannot produce a rollback, so CloudFormation's answers are
given by botocore's Stubber (which checks them against the service model).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.stub import ANY, Stubber

from durable_mcp.aws.deploy import DeploymentFailedError, DeploymentPlan, StackEvent
from durable_mcp.aws.deploy.stack import StackClient, apply_plan, create_plan
from durable_mcp.aws.session import AwsClients

STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/orders/1"
CS_ARN = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/durable-mcp-1/2"


def stack(status: str, reason: str | None = None) -> dict:
    body = {"StackName": "orders", "StackId": STACK_ID, "StackStatus": status, "CreationTime": datetime.now(UTC)}
    if reason:
        body["StackStatusReason"] = reason
    return {"Stacks": [body]}


def event(logical: str, kind: str, status: str, reason: str | None = None, ago: int = 0) -> dict:
    out = {
        "StackId": STACK_ID,
        "EventId": f"{logical}-{status}",
        "StackName": "orders",
        "LogicalResourceId": logical,
        "ResourceType": kind,
        "ResourceStatus": status,
        "Timestamp": datetime.now(UTC) - timedelta(seconds=ago),
    }
    if reason:
        out["ResourceStatusReason"] = reason
    return out


ROLE_REASON = 'Resource handler returned message: "The role defined for the function cannot be assumed by Lambda."'


def failed_create_events() -> dict:
    """Built when the test runs: the apply only reads events from after it started."""
    return {
        "StackEvents": [
            event("orders", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE"),
            event("Fn", "AWS::Lambda::Function", "DELETE_COMPLETE", ago=1),
            event("Bucket", "AWS::S3::Bucket", "CREATE_FAILED", "Resource creation cancelled", ago=2),
            event("Fn", "AWS::Lambda::Function", "CREATE_FAILED", ROLE_REASON, ago=3),
            event("orders", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated", ago=4),
        ]
    }


GONE = ("describe_stacks", "ValidationError", "Stack with id orders does not exist", 400)


@pytest.fixture
def stubbed(aws_env):
    clients = AwsClients()
    stacks = StackClient(clients, poll_seconds=0)
    with Stubber(stacks.cfn) as stub:
        yield stacks, stub
        stub.assert_no_pending_responses()


def plan() -> DeploymentPlan:
    return DeploymentPlan(
        stack_name="orders",
        region="us-east-1",
        method="cloudformation",
        tool="boto3",
        change_set_name="durable-mcp-1",
        change_set_arn=CS_ARN,
        change_set_type="CREATE",
        changes=[],
        preview=[],
    )


def test_failed_create_names_the_resource_and_reason_and_deletes_the_empty_stack(stubbed):
    stacks, stub = stubbed
    events = failed_create_events()
    stub.add_response("execute_change_set", {}, {"StackName": "orders", "ChangeSetName": CS_ARN})
    stub.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"), {"StackName": "orders"})
    stub.add_response("describe_stack_events", events, {"StackName": STACK_ID})
    stub.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"), {"StackName": "orders"})
    stub.add_response("describe_stack_events", events, {"StackName": STACK_ID})
    stub.add_response("delete_stack", {}, {"StackName": "orders"})
    stub.add_client_error(*GONE)
    seen: list[StackEvent] = []
    with pytest.raises(DeploymentFailedError) as failed:
        apply_plan(stacks, plan(), progress=seen.append)
    failure = failed.value.result.failure
    assert failure is not None and (failure.logical_id, failure.status) == ("Fn", "CREATE_FAILED")
    assert "cannot be assumed by Lambda" in str(failed.value) and "has been deleted" in str(failed.value)
    assert seen[0].status == "CREATE_IN_PROGRESS" and len(seen) == 5


def test_failed_update_says_the_previous_version_is_still_there(stubbed):
    stacks, stub = stubbed
    update_events = {
        "StackEvents": [
            event("orders", "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_COMPLETE"),
            event("Fn", "AWS::Lambda::Function", "UPDATE_FAILED", "Memory size 20000 is out of range", ago=2),
        ]
    }
    stub.add_response("execute_change_set", {}, {"StackName": "orders", "ChangeSetName": CS_ARN})
    stub.add_response("describe_stacks", stack("UPDATE_ROLLBACK_COMPLETE"), {"StackName": "orders"})
    stub.add_response("describe_stacks", stack("UPDATE_ROLLBACK_COMPLETE"), {"StackName": "orders"})
    stub.add_response("describe_stack_events", update_events, {"StackName": STACK_ID})
    with pytest.raises(DeploymentFailedError, match="Memory size 20000") as failed:
        apply_plan(stacks, plan().model_copy(update={"change_set_type": "UPDATE"}))
    assert "previous version of the stack is still in place" in str(failed.value)


def test_plan_on_a_stack_left_in_rollback_complete_deletes_it_first(stubbed):
    stacks, stub = stubbed
    stub.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"), {"StackName": "orders"})
    stub.add_response("delete_stack", {}, {"StackName": "orders"})
    stub.add_client_error(*GONE)
    stub.add_response(
        "create_change_set",
        {"Id": CS_ARN, "StackId": STACK_ID},
        {
            "StackName": "orders",
            "ChangeSetName": ANY,
            "ChangeSetType": "CREATE",
            "Capabilities": ANY,
            "Parameters": [],
            "Description": ANY,
            "TemplateBody": ANY,
        },
    )
    stub.add_response(
        "describe_change_set",
        {
            "ChangeSetName": "durable-mcp-1",
            "ChangeSetId": CS_ARN,
            "StackName": "orders",
            "Status": "CREATE_COMPLETE",
            "Changes": [
                {
                    "Type": "Resource",
                    "ResourceChange": {
                        "Action": "Add",
                        "LogicalResourceId": "Fn",
                        "ResourceType": "AWS::Lambda::Function",
                    },
                }
            ],
        },
        {"StackName": "orders", "ChangeSetName": CS_ARN},
    )
    result = create_plan(
        stacks,
        stack_name="orders",
        template={"Resources": {}},
        parameters={},
        method="cloudformation",
        upload=None,
        artifact_bucket=None,
        notes=[],
    )
    assert result.change_set_type == "CREATE" and result.preview == ["Add Fn (AWS::Lambda::Function)"]
    assert "ROLLBACK_COMPLETE" in result.notes[0]


def test_a_change_set_without_changes_is_a_plan_with_nothing_to_do(stubbed):
    stacks, stub = stubbed
    stub.add_response("describe_stacks", stack("CREATE_COMPLETE"), {"StackName": "orders"})
    stub.add_response(
        "create_change_set",
        {"Id": CS_ARN, "StackId": STACK_ID},
        {
            "StackName": "orders",
            "ChangeSetName": ANY,
            "ChangeSetType": "UPDATE",
            "Capabilities": ANY,
            "Parameters": [],
            "Description": ANY,
            "TemplateBody": ANY,
        },
    )
    stub.add_response(
        "describe_change_set",
        {
            "ChangeSetName": "durable-mcp-1",
            "ChangeSetId": CS_ARN,
            "StackName": "orders",
            "Status": "FAILED",
            "StatusReason": "The submitted information didn't contain changes. Submit different information.",
        },
        {"StackName": "orders", "ChangeSetName": CS_ARN},
    )
    result = create_plan(
        stacks,
        stack_name="orders",
        template={"Resources": {}},
        parameters={},
        method="cloudformation",
        upload=None,
        artifact_bucket=None,
        notes=[],
    )
    assert result.no_changes and result.preview == ["No changes: the stack already matches the template."]
