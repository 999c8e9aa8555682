"""Deploy orchestration: plan (a described change set), apply, decline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from durable_mcp.aws.deploy import tools
from durable_mcp.aws.deploy.cloud_assembly import read_synthesized_stack
from durable_mcp.aws.deploy.models import (
    DeploymentPlan,
    DeploymentResult,
    Method,
    Progress,
)
from durable_mcp.aws.deploy.package import (
    Packager,
    code_parameters,
    fill_code_parameters,
    functions_built_by_sam,
    package_template,
    translate_sam,
)
from durable_mcp.aws.deploy.project import detect_method, find_template, load_template
from durable_mcp.aws.deploy.stack import (
    StackClient,
    apply_plan,
    create_plan,
    creates,
    decline_plan,
    describe_plan,
    new_change_set_name,
    stack_to_plan_against,
)
from durable_mcp.aws.errors import aws_call
from durable_mcp.aws.session import AwsClients
from durable_mcp.errors import UserError


def _clients_for(clients: AwsClients | None, region: str | None) -> AwsClients:
    clients = clients or AwsClients()
    if region and region != clients.settings.region:
        return AwsClients(clients.settings.model_copy(update={"region": region}), clients.local, clients.local_logs)
    return clients


def plan_deployment(
    project_dir: str | Path,
    method: Method = "auto",
    stack_name: str | None = None,
    region: str | None = None,
    parameters: dict[str, str] | None = None,
    *,
    bucket: str | None = None,
    clients: AwsClients | None = None,
    use_installed_cli: bool = True,
    poll_seconds: float = 2.0,
) -> DeploymentPlan:
    """Create (but do not execute) a change set for the project and return its preview."""
    project = Path(project_dir).resolve()
    resolved = detect_method(project, method)
    clients = _clients_for(clients, region)
    stack = stack_name or project.name
    params = dict(parameters or {})
    stacks = StackClient(clients, poll_seconds=poll_seconds)
    if resolved == "cdk":
        if stack_name is None:
            raise UserError(
                "CDK projects need stack_name: the id of the stack in the CDK app (e.g. OrderFlowStack; "
                "`cdk list` shows them)."
            )
        return _plan_with_cdk(project, stacks, stack_name, params)
    if resolved == "sam" and use_installed_cli and tools.sam_cli() is not None:
        return _plan_with_sam_cli(project, stacks, stack, params, Packager(clients, stack, bucket))
    template_path = find_template(project)
    if template_path is None:
        raise UserError(f"No template.yaml in {project}.")
    template = load_template(template_path)
    if resolved == "sam" and (needs_build := functions_built_by_sam(template)):
        listed = ", ".join(f"{logical_id} (BuildMethod: {method})" for logical_id, method in needs_build)
        raise UserError(
            f"{listed} in {template_path.name} must be built by `sam build`, and the SAM CLI is not available. "
            "Install it (`pip install aws-sam-cli`, or the installer for your platform) and plan again; "
            "zipping the sources as they are would deploy code Lambda cannot run."
        )
    packager = Packager(clients, stack, bucket)
    template = package_template(template, template_path.parent, packager)
    notes: list[str] = []
    code_dir = template_path.parent / "src"
    if resolved == "cloudformation" and code_parameters(template, params):
        code_dir = _built_code_dir(template_path.parent, clients, notes)
    params, packaged = fill_code_parameters(template, code_dir, packager, params)
    notes += packaged
    if resolved == "sam":
        template = translate_sam(template, clients, params)
        notes.append(
            "SAM template expanded locally with aws-sam-translator (no SAM CLI found); code directories "
            "were zipped as they are, so dependencies must be vendored or built beforehand."
        )
    return create_plan(
        stacks,
        stack_name=stack,
        template=template,
        parameters=params,
        method=resolved,
        upload=packager.upload,
        artifact_bucket=packager.bucket,
        notes=notes,
    )


def _built_code_dir(project: Path, clients: AwsClients, notes: list[str]) -> Path:
    """The folder to zip for code left to CodeBucket/CodeKey parameters: ``src/``, or for a Node.js project
    the bundle its build writes to ``dist/`` (as the scaffold's README does by hand), not the sources."""
    tools.require_npm_install(project, "The project")
    built = tools.npm_build(project, region=clients.region(), settings=clients.settings, before="zipping it")
    if built is None:
        return project / "src"
    notes.append(built)
    return project / "dist"


def _plan_with_sam_cli(
    project: Path, stacks: StackClient, stack: str, params: dict[str, str], packager: Packager
) -> DeploymentPlan:
    notes: list[str] = []
    existing = stack_to_plan_against(stacks, stack, notes)
    # The same artifact bucket as the translator path, rather than SAM's managed stack (--resolve-s3),
    # so the plan can name where the code went and no extra stack appears in the account.
    bucket = packager.ensure_bucket()
    arn = tools.sam_prepare_change_set(
        project,
        stack_name=stack,
        region=stacks.clients.region(),
        parameters=params,
        bucket=bucket,
        settings=stacks.clients.settings,
    )
    return describe_plan(
        stacks,
        stack_name=stack,
        change_set=arn or _empty_change_set(stacks, stack),
        method="sam",
        tool="sam-cli",
        creating=creates(existing),
        artifact_bucket=bucket,
        notes=notes,
    )


def _empty_change_set(stacks: StackClient, stack: str) -> str:
    """The change set `sam deploy` left behind when it found no changes (it does not print its ARN)."""
    with aws_call("cloudformation:ListChangeSets", stack):
        pages = stacks.cfn.get_paginator("list_change_sets").paginate(StackName=stack)
        summaries = [s for page in pages for s in page.get("Summaries", []) if s.get("StackName") == stack]
    if not summaries:
        raise UserError(f"`sam deploy` reported no changes for {stack} but left no change set to describe.")
    return str(max(summaries, key=lambda s: s["CreationTime"])["ChangeSetId"])


def _plan_with_cdk(project: Path, stacks: StackClient, stack_id: str, params: dict[str, str]) -> DeploymentPlan:
    notes: list[str] = []
    # Assumes the CDK's default name, the id (a Stage's `Prod/Orders` is `Prod-Orders`); the name the
    # synthesized assembly gives is used below.
    stack_to_plan_against(stacks, stack_id.replace("/", "-"), notes)
    region, settings = stacks.clients.region(), stacks.clients.settings
    tools.require_npm_install(project, "The CDK app")
    built = tools.npm_build(project, region=region, settings=settings, before="synthesizing")
    if built:
        notes.append(built)
    name = new_change_set_name()
    prepared = tools.cdk_prepare_change_set(
        project,
        stack_name=stack_id,
        region=region,
        parameters=params,
        change_set_name=name,
        settings=settings,
    )
    # The assembly the CLI just wrote names the stack's CloudFormation name, pinned region and asset
    # bucket even when it printed no change set ARN (nothing to change).
    account = stacks.clients.account_id()
    synthesized = read_synthesized_stack(project, stack_id, account=account, region=region)
    stack_name = synthesized.stack_name if synthesized else prepared.stack_name
    stack_region = (synthesized.region if synthesized else None) or prepared.region
    if stack_region != region:
        notes.append(
            f"The CDK app pins stack {stack_id} to {stack_region} (its env), so the change set is there, "
            f"not in {region}."
        )
        stacks = StackClient(_clients_for(stacks.clients, stack_region), poll_seconds=stacks.poll_seconds)
    return describe_plan(
        stacks,
        stack_name=stack_name,
        change_set=prepared.change_set,
        method="cdk",
        tool="cdk-cli",
        creating=creates(stacks.stack(stack_name)),
        artifact_bucket=synthesized.asset_buckets[0] if synthesized and synthesized.asset_buckets else None,
        notes=notes,
    )


def apply_deployment(
    plan: DeploymentPlan,
    progress: Progress | None = None,
    *,
    clients: AwsClients | None = None,
    poll_seconds: float = 2.0,
) -> DeploymentResult:
    """Execute a confirmed plan; raises :class:`DeploymentFailedError` naming the failing resource."""
    stacks = StackClient(_clients_for(clients, plan.region), poll_seconds=poll_seconds)
    return apply_plan(stacks, plan, progress)


def decline_deployment(plan: DeploymentPlan, *, clients: AwsClients | None = None) -> None:
    """Delete the plan's change set, and the empty stack a first plan created."""
    decline_plan(StackClient(_clients_for(clients, plan.region)), plan)


def deploy(
    project_dir: str | Path,
    method: Method = "auto",
    stack_name: str | None = None,
    region: str | None = None,
    parameters: dict[str, str] | None = None,
    *,
    bucket: str | None = None,
    confirm: Callable[[DeploymentPlan], bool] | None = None,
    progress: Progress | None = None,
    clients: AwsClients | None = None,
) -> DeploymentResult | None:
    """Plan, ask ``confirm`` (if given), then apply; returns None when the plan was declined."""
    plan = plan_deployment(project_dir, method, stack_name, region, parameters, bucket=bucket, clients=clients)
    if confirm is not None and not confirm(plan):
        decline_deployment(plan, clients=clients)
        return None
    return apply_deployment(plan, progress, clients=clients)
