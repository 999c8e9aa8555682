"""deploy_durable_function and invoke_durable_function: AWS writes, always confirmed first."""

from __future__ import annotations

import queue
from typing import Annotated, Any, Literal

import anyio
import anyio.to_thread
from mcp.server import MCPServer
from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Elicit, Resolve
from pydantic import BaseModel, Field

from durable_mcp.aws.deploy.models import DeploymentPlan, DeploymentResult
from durable_mcp.aws.invoke import InvokeResult
from durable_mcp.server.confirm import TOKEN_INSTRUCTIONS, Pending, Verdict, ask, decide, resolver
from durable_mcp.server.policy import Access
from durable_mcp.server.registry import add_tool
from durable_mcp.server.state import AppState, state_of
from durable_mcp.server.untrusted import mark

DEPLOY = "deploy_durable_function"
INVOKE = "invoke_durable_function"
Method = Literal["auto", "sam", "cdk", "cloudformation"]


class DeployOutcome(BaseModel):
    status: Literal["deployed", "confirmation_required", "cancelled", "no_changes"]
    plan: DeploymentPlan
    result: DeploymentResult | None = None
    confirmation_token: str | None = None
    message: str


def _deploy_args(project_dir: str, method: str, stack_name: str | None, region: str | None,
                 parameters: dict[str, str] | None, bucket: str | None) -> dict[str, Any]:
    return {"project_dir": project_dir, "method": method, "stack_name": stack_name, "region": region,
            "parameters": parameters or {}, "bucket": bucket}


def _plan(state: AppState, args: dict[str, Any]) -> DeploymentPlan:
    """One change set per distinct request: the confirmation round trip must not create another."""
    from durable_mcp.aws.deploy import plan_deployment

    key = state.broker.fingerprint(DEPLOY, args)
    if key not in state.plans:
        state.plans[key] = plan_deployment(args["project_dir"], args["method"], args["stack_name"], args["region"],
                                           args["parameters"], bucket=args["bucket"], clients=state.aws())
    plan: DeploymentPlan = state.plans[key]
    return plan


@resolver(DEPLOY)
def ask_deploy(
    ctx: Context[Any, Any],
    project_dir: str,
    method: str = "auto",
    stack_name: str | None = None,
    region: str | None = None,
    parameters: dict[str, str] | None = None,
    bucket: str | None = None,
    confirmation_token: str | None = None,
) -> Elicit[Any] | Pending:
    state = state_of(ctx)
    if not state.policy.allow_write:
        return Pending(Verdict.READ_ONLY)
    args = _deploy_args(project_dir, method, stack_name, region, parameters, bucket)
    plan = _plan(state, args)
    if plan.no_changes:
        return Pending(Verdict.APPROVED)
    summary = "\n".join([f"Deploy stack {plan.stack_name} in {plan.region} ({plan.change_set_type}):",
                         *plan.preview, *plan.notes])
    return ask(ctx, allow_write=True, broker=state.broker, tool=DEPLOY, arguments=args, summary=summary,
               confirmation_token=confirmation_token)


async def deploy_durable_function(
    ctx: Context[Any, Any],
    project_dir: Annotated[str, Field(description="project folder (template.yaml or cdk.json)")],
    approval: Annotated[ElicitationResult[Any], Resolve(ask_deploy)],
    method: Annotated[Method, Field(description="auto detects SAM, CDK or CloudFormation")] = "auto",
    stack_name: Annotated[str | None, Field(description="stack name (CDK: the stack id in the app)")] = None,
    region: str | None = None,
    parameters: Annotated[dict[str, str] | None, Field(description="template parameters")] = None,
    bucket: Annotated[str | None, Field(description="S3 bucket for code; one is created if omitted")] = None,
    confirmation_token: str | None = None,
) -> DeployOutcome:
    """Deploy a durable function project to AWS: creates a change set, shows it for confirmation, then
    executes it with stack events as progress, and returns the function, version and alias ARNs. A failure
    names the failing resource and reason. Needs --allow-write."""
    from durable_mcp.aws.deploy import apply_deployment, decline_deployment
    from durable_mcp.aws.deploy.models import StackEvent

    state = state_of(ctx)
    verdict = decide(approval)
    if verdict is Verdict.READ_ONLY:
        state.policy.require_write(DEPLOY, "create or update a CloudFormation stack")
    args = _deploy_args(project_dir, method, stack_name, region, parameters, bucket)
    plan = await anyio.to_thread.run_sync(_plan, state, args)
    key = state.broker.fingerprint(DEPLOY, args)
    if plan.no_changes:
        state.plans.pop(key, None)
        return DeployOutcome(status="no_changes", plan=plan, message="The stack is already up to date.")
    if verdict is Verdict.PREVIEW:
        token = state.broker.issue(DEPLOY, args)
        return DeployOutcome(status="confirmation_required", plan=plan, confirmation_token=token,
                             message=TOKEN_INSTRUCTIONS.format(token=token))
    state.plans.pop(key, None)
    if verdict is Verdict.DECLINED:
        await anyio.to_thread.run_sync(lambda: decline_deployment(plan, clients=state.aws()))
        return DeployOutcome(status="cancelled", plan=plan, message="Declined: the change set was deleted.")

    events: queue.SimpleQueue[str] = queue.SimpleQueue()

    def on_event(event: StackEvent) -> None:
        events.put(event.describe())

    result: DeploymentResult | None = None

    async def apply() -> None:
        nonlocal result
        result = await anyio.to_thread.run_sync(lambda: apply_deployment(plan, on_event, clients=state.aws()))

    reported = 0

    async def report() -> None:
        nonlocal reported
        while not events.empty():
            reported += 1
            await ctx.report_progress(reported, None, mark(events.get(), "CloudFormation"))

    async with anyio.create_task_group() as group:
        group.start_soon(apply)
        while result is None:
            await report()
            await anyio.sleep(0.2)
    await report()  # events queued between the last poll and the end of the deployment
    if result is None:  # pragma: no cover - apply() either set it or raised
        raise RuntimeError("deployment ended without a result")
    return DeployOutcome(status="deployed", plan=plan, result=result,
                         message=f"Stack {plan.stack_name} is {result.status}.")


@resolver(INVOKE)
def ask_invoke(
    ctx: Context[Any, Any],
    function: str,
    payload: Any = None,
    execution_name: str | None = None,
    invocation_type: str = "Event",
    confirmation_token: str | None = None,
) -> Elicit[Any] | Pending:
    from durable_mcp.aws.arns import require_qualified

    state = state_of(ctx)
    if state.policy.allow_write:
        require_qualified(function)  # refuse unqualified names before asking anyone
    args = {"function": function, "payload": payload, "execution_name": execution_name,
            "invocation_type": invocation_type}
    return ask(ctx, allow_write=state.policy.allow_write, broker=state.broker, tool=INVOKE, arguments=args,
               summary=f"Invoke {function} ({invocation_type}) to start a durable execution"
               + (f" named {execution_name}" if execution_name else ""), confirmation_token=confirmation_token)


class InvokeOutcome(BaseModel):
    status: Literal["invoked", "confirmation_required", "cancelled"]
    invocation: InvokeResult | None = None
    confirmation_token: str | None = None
    message: str


def invoke_durable_function(
    ctx: Context[Any, Any],
    function: Annotated[str, Field(description="qualified: name:alias, name:version, name:$LATEST or an ARN")],
    approval: Annotated[ElicitationResult[Any], Resolve(ask_invoke)],
    payload: Annotated[Any, Field(description="the event, any JSON value")] = None,
    execution_name: Annotated[str | None, Field(description="durable execution name; reusing it is idempotent")] = None,
    invocation_type: Literal["Event", "RequestResponse"] = "Event",
    confirmation_token: str | None = None,
) -> InvokeOutcome:
    """Start a durable execution by invoking a qualified function (unqualified names are refused, as the
    service does). Returns the execution ARN. Needs --allow-write and confirmation."""
    from durable_mcp.aws.invoke import invoke

    state = state_of(ctx)
    verdict = decide(approval)
    if verdict is Verdict.READ_ONLY:
        state.policy.require_write(INVOKE, "start a durable execution")
    if verdict is Verdict.PREVIEW:
        token = state.broker.issue(INVOKE, {"function": function, "payload": payload,
                                            "execution_name": execution_name, "invocation_type": invocation_type})
        return InvokeOutcome(status="confirmation_required", confirmation_token=token,
                             message=TOKEN_INSTRUCTIONS.format(token=token))
    if verdict is Verdict.DECLINED:
        return InvokeOutcome(status="cancelled", message="Nothing was invoked.")
    result = invoke(state.aws().lambda_client(), function, payload, execution_name, invocation_type)
    if not state.policy.allow_sensitive:
        result = result.model_copy(update={"payload": state.policy.redact(result.payload)})
    else:
        result = result.model_copy(update={"payload": mark(result.payload, "function response")})
    return InvokeOutcome(status="invoked", invocation=result,
                         message=f"Started {result.execution_arn}; inspect it with get_durable_execution.")


def register(mcp: MCPServer[Any]) -> None:
    add_tool(mcp, deploy_durable_function, name=DEPLOY, title="Deploy a durable function",
             access=Access.WRITE, open_world=True, idempotent=False, destructive=True)
    add_tool(mcp, invoke_durable_function, name=INVOKE, title="Invoke a durable function",
             access=Access.WRITE, open_world=True, idempotent=False)
