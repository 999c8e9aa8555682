"""CloudFormation change sets: plan (create + describe), apply (execute + stream events), decline."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from durable_mcp.aws.deploy.models import (
    DeployedFunction,
    DeploymentFailedError,
    DeploymentFailure,
    DeploymentPlan,
    DeploymentResult,
    Progress,
    ResolvedMethod,
    ResourceChange,
    StackEvent,
    Tool,
)
from durable_mcp.aws.errors import aws_call, error_code
from durable_mcp.aws.session import AwsClients
from durable_mcp.errors import UserError

log = structlog.get_logger()

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
TEMPLATE_BODY_LIMIT = 51_200
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
_CANCELLED = ("Resource creation cancelled", "Resource update cancelled")
_CLOCK_SKEW = timedelta(seconds=60)

Uploader = Callable[[bytes, str], tuple[str, str]]
"""Stores bytes under a key suffix in the artifact bucket; returns (bucket, key)."""


class StackClient:
    """CloudFormation calls with polling that tests can make instant (``poll_seconds=0``)."""

    def __init__(self, clients: AwsClients, poll_seconds: float = 2.0, timeout_seconds: float = 3600) -> None:
        self.clients = clients
        self.cfn = clients.client("cloudformation")
        self.poll_seconds = poll_seconds
        self.timeout_seconds = timeout_seconds

    def stack(self, name: str) -> dict[str, Any] | None:
        try:
            with aws_call("cloudformation:DescribeStacks", name):
                return dict(self.cfn.describe_stacks(StackName=name)["Stacks"][0])
        except UserError as exc:
            if error_code(exc.__cause__ or exc) == "ValidationError" and "does not exist" in str(exc):
                return None
            raise

    def delete_stack(self, name: str) -> str:
        with aws_call("cloudformation:DeleteStack", name):
            self.cfn.delete_stack(StackName=name)
        return self.wait_stack(name, None)

    def wait_stack(self, name: str, progress: Progress | None, since: datetime | None = None) -> str:
        """Poll until the stack leaves every *_IN_PROGRESS state; report new events on the way."""
        seen: set[str] = set()
        deadline = time.monotonic() + self.timeout_seconds
        while True:
            stack = self.stack(name)
            status = stack["StackStatus"] if stack else "DELETE_COMPLETE"
            if progress is not None and stack is not None:
                for event in self.events(stack["StackId"], since):
                    key = f"{event.timestamp.isoformat()}|{event.logical_id}|{event.status}"
                    if key not in seen:
                        seen.add(key)
                        progress(event)
            if not status.endswith("_IN_PROGRESS") or status == "REVIEW_IN_PROGRESS":
                return str(status)
            if time.monotonic() > deadline:
                raise UserError(f"Stack {name} is still {status} after {self.timeout_seconds:.0f} s.")
            time.sleep(self.poll_seconds)

    def events(self, stack_id: str, since: datetime | None) -> list[StackEvent]:
        """Stack events oldest first, optionally only those at or after ``since``."""
        with aws_call("cloudformation:DescribeStackEvents", stack_id):
            pages = self.cfn.get_paginator("describe_stack_events").paginate(StackName=stack_id)
            raw = [event for page in pages for event in page.get("StackEvents", [])]
        out = []
        for event in reversed(raw):
            stamp = event.get("Timestamp")
            if since is not None and isinstance(stamp, datetime) and stamp < since:
                continue
            out.append(
                StackEvent(
                    timestamp=stamp or datetime.now(UTC),
                    logical_id=event.get("LogicalResourceId", "?"),
                    resource_type=event.get("ResourceType", "?"),
                    status=event.get("ResourceStatus", "?"),
                    reason=event.get("ResourceStatusReason"),
                )
            )
        return out


def _template_argument(template: dict[str, Any], upload: Uploader | None, region: str) -> dict[str, str]:
    body = json.dumps(template)
    if len(body.encode()) <= TEMPLATE_BODY_LIMIT:
        return {"TemplateBody": body}
    if upload is None:
        raise UserError(f"The template is larger than {TEMPLATE_BODY_LIMIT} bytes and needs an S3 bucket.")
    bucket, key = upload(body.encode(), ".template.json")
    return {"TemplateURL": f"https://{bucket}.s3.{region}.amazonaws.com/{key}"}


def creates(stack: dict[str, Any] | None) -> bool:
    """Whether a change set on ``stack`` creates it: there is none yet, or only the empty one a first
    change set waits behind (REVIEW_IN_PROGRESS)."""
    return stack is None or stack["StackStatus"] == "REVIEW_IN_PROGRESS"


def new_change_set_name() -> str:
    """A change set name no other plan uses: two plans made within the same second must not meet (the CDK
    CLI deletes a change set of the same name first; CreateChangeSet refuses one)."""
    return f"durable-mcp-{datetime.now(UTC).strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"


def stack_to_plan_against(stacks: StackClient, stack_name: str, notes: list[str]) -> dict[str, Any] | None:
    """The stack a new change set applies to, or None to create one.

    A failed first create leaves an empty stack in ROLLBACK_COMPLETE that can only be deleted; it is
    deleted here (and ``notes`` says so), whichever tool then creates the change set.
    """
    existing = stacks.stack(stack_name)
    if existing is not None and existing["StackStatus"] == "ROLLBACK_COMPLETE":
        stacks.delete_stack(stack_name)
        notes.append(
            f"Stack {stack_name} was in ROLLBACK_COMPLETE from an earlier failed create; it held no "
            "resources and was deleted so it can be created again."
        )
        return None
    return existing


def create_plan(
    stacks: StackClient,
    *,
    stack_name: str,
    template: dict[str, Any],
    parameters: dict[str, str],
    method: ResolvedMethod,
    upload: Uploader | None,
    artifact_bucket: str | None,
    notes: list[str],
) -> DeploymentPlan:
    """Create a change set for ``template`` and describe it; nothing is executed."""
    notes = list(notes)
    existing = stack_to_plan_against(stacks, stack_name, notes)
    creating = creates(existing)
    name = new_change_set_name()
    kwargs: dict[str, Any] = {
        "StackName": stack_name,
        "ChangeSetName": name,
        "ChangeSetType": "CREATE" if creating else "UPDATE",
        "Capabilities": CAPABILITIES,
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(parameters.items())],
        "Description": "created by durable-mcp",
        **_template_argument(template, upload, stacks.clients.region()),
    }
    with aws_call("cloudformation:CreateChangeSet", stack_name):
        created = stacks.cfn.create_change_set(**kwargs)
    return describe_plan(
        stacks,
        stack_name=stack_name,
        change_set=created["Id"],
        method=method,
        tool="boto3",
        creating=creating,
        artifact_bucket=artifact_bucket,
        notes=notes,
    )


def describe_plan(
    stacks: StackClient,
    *,
    stack_name: str,
    change_set: str,
    method: ResolvedMethod,
    tool: Tool,
    creating: bool,
    artifact_bucket: str | None,
    notes: list[str],
) -> DeploymentPlan:
    described = _wait_change_set(stacks, stack_name, change_set)
    status, reason = described.get("Status"), described.get("StatusReason") or ""
    no_changes = status == "FAILED" and any(marker in reason for marker in _NO_CHANGES)
    if status == "FAILED" and not no_changes:
        _delete_change_set(stacks, stack_name, described["ChangeSetId"], creating)
        raise UserError(f"CloudFormation rejected the change set for {stack_name}: {reason}")
    changes = [
        ResourceChange(
            action=rc.get("Action", "?"),
            logical_id=rc.get("LogicalResourceId", "?"),
            resource_type=rc.get("ResourceType", "?"),
            physical_id=rc.get("PhysicalResourceId"),
            replacement=rc.get("Replacement"),
        )
        for change in described.get("Changes", [])
        if (rc := change.get("ResourceChange"))
    ]
    preview = [change.describe() for change in changes] or ["No changes: the stack already matches the template."]
    return DeploymentPlan(
        stack_name=stack_name,
        region=stacks.clients.region(),
        method=method,
        tool=tool,
        change_set_name=described.get("ChangeSetName", change_set),
        change_set_arn=described.get("ChangeSetId"),
        change_set_type="CREATE" if creating else "UPDATE",
        changes=changes,
        preview=preview,
        artifact_bucket=artifact_bucket,
        notes=notes,
        no_changes=no_changes,
    )


def _wait_change_set(stacks: StackClient, stack_name: str, change_set: str) -> dict[str, Any]:
    deadline = time.monotonic() + stacks.timeout_seconds
    while True:
        with aws_call("cloudformation:DescribeChangeSet", stack_name):
            pages = stacks.cfn.get_paginator("describe_change_set").paginate(
                StackName=stack_name, ChangeSetName=change_set
            )
            described: dict[str, Any] = {}
            for page in pages:
                changes = [*described.get("Changes", []), *page.get("Changes", [])]
                described = {**page, "Changes": changes}
        if described.get("Status") not in {"CREATE_PENDING", "CREATE_IN_PROGRESS"}:
            return described
        if time.monotonic() > deadline:
            raise UserError(f"Change set {change_set} is still being created.")
        time.sleep(stacks.poll_seconds)


def _delete_change_set(stacks: StackClient, stack_name: str, change_set: str, creating: bool) -> None:
    with aws_call("cloudformation:DeleteChangeSet", stack_name):
        stacks.cfn.delete_change_set(StackName=stack_name, ChangeSetName=change_set)
    stack = stacks.stack(stack_name)
    if creating and stack is not None and stack["StackStatus"] == "REVIEW_IN_PROGRESS":
        # The stack exists only because of this change set: remove the empty shell too.
        stacks.delete_stack(stack_name)


def decline_plan(stacks: StackClient, plan: DeploymentPlan) -> None:
    """Forget a plan the user did not confirm: delete its change set (and an empty new stack)."""
    _delete_change_set(
        stacks, plan.stack_name, plan.change_set_arn or plan.change_set_name, plan.change_set_type == "CREATE"
    )


def apply_plan(stacks: StackClient, plan: DeploymentPlan, progress: Progress | None = None) -> DeploymentResult:
    """Execute the change set, stream stack events, wait, and report functions or the failure."""
    if plan.no_changes:
        _delete_change_set(stacks, plan.stack_name, plan.change_set_arn or plan.change_set_name, False)
        return _result(stacks, plan.stack_name, notes=["No changes to apply."])
    started = datetime.now(UTC)
    with aws_call("cloudformation:ExecuteChangeSet", plan.stack_name):
        stacks.cfn.execute_change_set(
            StackName=plan.stack_name, ChangeSetName=plan.change_set_arn or plan.change_set_name
        )
    status = stacks.wait_stack(plan.stack_name, progress, since=_skew(started))
    if status.endswith("_COMPLETE") and "ROLLBACK" not in status and "DELETE" not in status:
        return _result(stacks, plan.stack_name)
    failure = _first_failure(stacks, plan.stack_name, _skew(started))
    notes: list[str] = []
    if status == "ROLLBACK_COMPLETE":
        stacks.delete_stack(plan.stack_name)
        notes.append("The new stack was rolled back and has been deleted; fix the cause and deploy again.")
    elif status == "UPDATE_ROLLBACK_COMPLETE":
        notes.append("The update was rolled back; the previous version of the stack is still in place.")
    else:
        notes.append(f"The stack is {status}; it may need attention in the CloudFormation console.")
    result = DeploymentResult(stack_name=plan.stack_name, status=status, failure=failure, notes=notes)
    raise DeploymentFailedError(result)


def _skew(moment: datetime) -> datetime:
    # Stack event clocks and ours differ slightly; look a little further back.
    return moment - _CLOCK_SKEW


def _first_failure(stacks: StackClient, stack_name: str, since: datetime) -> DeploymentFailure | None:
    stack = stacks.stack(stack_name)
    if stack is None:
        return None
    for event in stacks.events(stack["StackId"], since):
        if event.status.endswith("_FAILED") and event.reason and not event.reason.startswith(_CANCELLED):
            return DeploymentFailure(
                logical_id=event.logical_id,
                resource_type=event.resource_type,
                status=event.status,
                reason=event.reason,
            )
    reason = stack.get("StackStatusReason")
    if reason:
        return DeploymentFailure(
            logical_id=stack_name,
            resource_type="AWS::CloudFormation::Stack",
            status=stack["StackStatus"],
            reason=reason,
        )
    return None


def _result(stacks: StackClient, stack_name: str, notes: list[str] | None = None) -> DeploymentResult:
    stack = stacks.stack(stack_name) or {}
    outputs = {o["OutputKey"]: str(o.get("OutputValue", "")) for o in stack.get("Outputs") or []}
    with aws_call("cloudformation:DescribeStackResources", stack_name):
        resources = stacks.cfn.describe_stack_resources(StackName=stack_name).get("StackResources", [])
    return DeploymentResult(
        stack_name=stack_name,
        stack_id=stack.get("StackId"),
        status=stack.get("StackStatus", "UNKNOWN"),
        functions=_functions(stacks.clients, resources),
        outputs=outputs,
        notes=notes or [],
    )


def _functions(clients: AwsClients, resources: list[dict[str, Any]]) -> list[DeployedFunction]:
    """Function, version and alias ARNs from the stack's resources (physical ids)."""
    lam = clients.client("lambda", control_plane=True)
    functions: dict[str, DeployedFunction] = {}
    for resource in resources:
        if resource.get("ResourceType") != "AWS::Lambda::Function" or not resource.get("PhysicalResourceId"):
            continue
        with aws_call("lambda:GetFunctionConfiguration", resource["PhysicalResourceId"]):
            arn = lam.get_function_configuration(FunctionName=resource["PhysicalResourceId"])["FunctionArn"]
        functions[arn] = DeployedFunction(logical_id=resource.get("LogicalResourceId", "?"), function_arn=arn)
    for resource in resources:
        physical = resource.get("PhysicalResourceId") or ""
        kind = resource.get("ResourceType")
        if kind not in {"AWS::Lambda::Version", "AWS::Lambda::Alias"} or not physical.startswith("arn:"):
            continue
        owner = functions.get(physical.rsplit(":", 1)[0])
        if owner is not None:
            if kind == "AWS::Lambda::Version":
                owner.version_arn = physical
            else:
                owner.alias_arn = physical
    return list(functions.values())
