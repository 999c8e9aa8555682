"""Execution tools: the same calls for local executions (the server's store) and AWS.

Local ARNs (account 000000000000) are answered by the embedded engine; everything else goes to Lambda
through the AWS adapter, which ``--endpoint-url`` can point at a local ``durable-mcp endpoint``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Elicit, Resolve
from pydantic import BaseModel, Field

from durable_mcp.aws.control import ControlResult
from durable_mcp.inspect.models import Diagnosis, ExecutionList, ExecutionLogs, ExecutionView, HistoryView
from durable_mcp.server.confirm import (
    TOKEN_INSTRUCTIONS,
    Confirm,
    Pending,
    Verdict,
    ask,
    decide,
    resolver,
    supports_form_elicitation,
)
from durable_mcp.server.policy import Access
from durable_mcp.server.registry import add_tool
from durable_mcp.server.state import AppState, state_of
from durable_mcp.server.untrusted import mark

Arn = Annotated[str, Field(description="durable execution ARN (local ones use account 000000000000)")]


def _sensitive(state: AppState) -> bool:
    return state.policy.allow_sensitive


@resolver("list_durable_executions")
def ask_without_aws(ctx: Context[Any, Any], local: bool = False) -> Elicit[Any] | Pending:
    """When AWS cannot be used, ask whether to continue with the local engine only (never silently)."""
    from durable_mcp.aws.errors import AwsUnavailableError

    state = state_of(ctx)
    if local:
        return Pending(Verdict.APPROVED)
    try:
        state.aws().lambda_client()
    except AwsUnavailableError as exc:
        if supports_form_elicitation(ctx):
            return Elicit(f"{exc}\n\nContinue without AWS, listing the local engine's executions only?", Confirm)
        return Pending(Verdict.PREVIEW, token_error=str(exc))
    return Pending(Verdict.APPROVED)


def list_durable_executions(
    ctx: Context[Any, Any],
    without_aws: Annotated[ElicitationResult[Any], Resolve(ask_without_aws)],
    function: Annotated[str, Field(description="function name or ARN; name:qualifier filters a version/alias")],
    statuses: Annotated[list[str] | None, Field(description="e.g. ['RUNNING', 'FAILED']")] = None,
    started_after: Annotated[str | None, Field(description="ISO-8601 time")] = None,
    started_before: Annotated[str | None, Field(description="ISO-8601 time")] = None,
    execution_name: str | None = None,
    max_items: Annotated[int, Field(ge=1, le=1000)] = 50,
    marker: Annotated[str | None, Field(description="next_marker of the previous page")] = None,
    local: Annotated[bool, Field(description="list the local engine's executions instead")] = False,
) -> ExecutionList:
    """List durable executions of a function, newest first, with status filters, a time range and paging."""
    from datetime import datetime

    from durable_mcp.errors import UserError
    from durable_mcp.inspect.queries import list_executions

    state = state_of(ctx)

    def when(text: str | None, name: str) -> datetime | None:
        if text is None:
            return None
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise UserError(f"{name} must be an ISO-8601 time such as 2026-01-31T12:00:00Z, got {text!r}") from None

    use_local = local
    answer = without_aws.data if isinstance(without_aws, AcceptedElicitation) else None
    if isinstance(answer, dict):
        answer = Confirm.model_validate(answer)
    if isinstance(answer, Pending) and answer.verdict is Verdict.PREVIEW:
        raise UserError(f"{answer.token_error} Nothing was listed from AWS. To continue without AWS, ask the user, "
                        "then call again with local=true to list the local engine's executions.")
    if isinstance(answer, Confirm):
        if not answer.confirm:
            raise UserError("AWS is not available and the user chose not to continue without it.")
        use_local = True
    elif answer is None:
        raise UserError("AWS is not available and the user chose not to continue without it.")
    client = state.aws().local if use_local else state.aws().lambda_client()
    if client is None:  # pragma: no cover - the server always attaches its engine
        raise UserError("No local engine is attached to this server.")
    return list_executions(client, function, statuses=statuses or (), execution_name=execution_name,
                           started_after=when(started_after, "started_after"),
                           started_before=when(started_before, "started_before"),
                           max_items=max_items, marker=marker)


def get_durable_execution(ctx: Context[Any, Any], execution_arn: Arn) -> ExecutionView:
    """Status, timing, version and (with --allow-sensitive-data-access) input, result and error of one execution."""
    from durable_mcp.inspect.queries import get_execution

    state = state_of(ctx)
    view = get_execution(state.aws().lambda_for(execution_arn), execution_arn, _sensitive(state))
    if not _sensitive(state):
        return view
    return view.model_copy(update={"input": mark(view.input, "execution input"),
                                   "result": mark(view.result, "execution result")})


def get_durable_execution_history(
    ctx: Context[Any, Any],
    execution_arn: Arn,
    format: Annotated[
        Literal["events", "timeline", "mermaid"],
        Field(description="events (Lambda shape), timeline (a line per operation) or mermaid (Gantt chart)"),
    ] = "timeline",
    all_pages: Annotated[bool, Field(description="read every page; false reads one page from marker")] = True,
    marker: str | None = None,
    max_items: Annotated[int, Field(ge=1, le=1000)] = 100,
) -> HistoryView:
    """The execution's history as events, a timeline with durations, attempts and outcomes, or a Gantt chart."""
    from durable_mcp.inspect.queries import get_history

    state = state_of(ctx)
    view = get_history(state.aws().lambda_for(execution_arn), execution_arn, format=format,
                       include_sensitive=_sensitive(state), all_pages=all_pages, marker=marker, max_items=max_items)
    if view.events and _sensitive(state):
        view = view.model_copy(update={"events": [_mark_event(e) for e in view.events]})
    return view


def _mark_event(event: dict[str, Any]) -> dict[str, Any]:
    """Wrap payload strings of a history event as data."""

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and key in {"Payload", "ErrorMessage", "ErrorData", "StackTrace"}:
            return mark(value, "execution data")
        return value

    marked: dict[str, Any] = walk(event)
    return marked


def diagnose_durable_execution(ctx: Context[Any, Any], execution_arn: Arn) -> Diagnosis:
    """Explain an execution (read-only): why it failed, what it waits for and until when, pending callback ids
    and deadlines, retries, non-determinism, timeouts, next steps, console link."""
    from durable_mcp.aws.arns import parse_execution_arn
    from durable_mcp.inspect.queries import diagnose_execution

    state = state_of(ctx)
    diagnosis = diagnose_execution(state.aws().lambda_for(execution_arn), execution_arn, _sensitive(state))
    note = state.engine().waiting_note(execution_arn) if parse_execution_arn(execution_arn).is_local else None
    if note is not None:
        diagnosis.findings.insert(0, note)
    return diagnosis


def get_durable_execution_logs(
    ctx: Context[Any, Any],
    execution_arn: Arn,
    limit: Annotated[int, Field(ge=1, le=10000)] = 200,
    next_token: str | None = None,
) -> ExecutionLogs:
    """The execution's log lines (CloudWatch Logs on AWS, captured output for local runs). Needs
    --allow-sensitive-data-access."""
    from durable_mcp.inspect.queries import execution_logs

    state = state_of(ctx)
    state.policy.require_sensitive("get_durable_execution_logs", "log lines")
    logs = execution_logs(state.aws(), execution_arn, True, limit=limit, next_token=next_token)
    return logs.model_copy(update={"lines": [
        line.model_copy(update={"message": mark(line.message, "log line")}) for line in logs.lines
    ]})


class ControlOutcome(BaseModel):
    status: Literal["done", "confirmation_required", "cancelled"]
    target: str
    local: bool
    result: ControlResult | None = None
    execution_status: str | None = Field(default=None, description="the execution's status afterwards")
    confirmation_token: str | None = None
    message: str


def _is_local_callback(state: AppState, callback_id: str) -> bool:
    from durable_mcp.engine.errors import ServiceError

    try:
        with state.engine_lock:
            state.engine().service.arn_for_callback(callback_id)
    except (ServiceError, ValueError):
        return False
    return True


def _result_text(result: Any) -> str | None:
    """The callback result as text. The SDK decodes JSON text sent for a parameter that is not a plain str,
    so '{"approved": true}' arrives here as a dict; it is sent on as the text the caller meant."""
    return result if result is None or isinstance(result, str) else json.dumps(result)


@resolver("send_durable_callback")
def ask_callback(
    ctx: Context[Any, Any],
    callback_id: str,
    outcome: str = "succeed",
    result: Any = None,
    error_type: str | None = None,
    error_message: str | None = None,
    confirmation_token: str | None = None,
) -> Elicit[Any] | Pending:
    state = state_of(ctx)
    if state.policy.allow_write and _is_local_callback(state, callback_id):
        return Pending(Verdict.APPROVED)  # a local dry-run: the agent's own sandbox, no confirmation needed
    return ask(ctx, allow_write=state.policy.allow_write, broker=state.broker, tool="send_durable_callback",
               arguments={"callback_id": callback_id, "outcome": outcome, "result": _result_text(result),
                          "error_type": error_type, "error_message": error_message},
               summary=f"Send '{outcome}' to AWS durable callback {callback_id}", confirmation_token=confirmation_token)


def send_durable_callback(
    ctx: Context[Any, Any],
    callback_id: Annotated[str, Field(description="the CallbackId (see diagnose_durable_execution)")],
    approval: Annotated[ElicitationResult[Any], Resolve(ask_callback)],
    outcome: Annotated[Literal["succeed", "fail", "heartbeat"], Field(description="what to send")] = "succeed",
    result: Annotated[
        Any, Field(description="for succeed: the result as JSON text (a JSON object or array is sent as its text)")
    ] = None,
    error_type: str | None = None,
    error_message: str | None = None,
    confirmation_token: str | None = None,
) -> ControlOutcome:
    """Complete (succeed/fail) or heartbeat a waiting callback. Local executions resume at once (also those
    started before the server restarted); on AWS the user confirms first. Needs --allow-write."""
    from durable_mcp.aws import control

    state = state_of(ctx)
    verdict = decide(approval)
    if verdict is Verdict.READ_ONLY:
        state.policy.require_write("send_durable_callback", "complete or heartbeat a callback")
    result = _result_text(result)
    local = _is_local_callback(state, callback_id)
    if verdict is Verdict.PREVIEW:
        token = state.broker.issue("send_durable_callback", {
            "callback_id": callback_id, "outcome": outcome, "result": result, "error_type": error_type,
            "error_message": error_message})
        return ControlOutcome(status="confirmation_required", target=callback_id, local=local,
                              confirmation_token=token, message=TOKEN_INSTRUCTIONS.format(token=token))
    if verdict is Verdict.DECLINED:
        return ControlOutcome(status="cancelled", target=callback_id, local=local, message="Nothing was sent.")
    if local:
        from durable_mcp.engine.errors import ServiceError
        from durable_mcp.errors import UserError

        with state.engine_lock:
            engine = state.engine()
            arn = engine.service.arn_for_callback(callback_id)
            try:
                if outcome == "succeed":
                    engine.send_callback_success(callback_id, (result or "").encode())
                elif outcome == "fail":
                    engine.send_callback_failure(callback_id, error_message or "", error_type)
                else:
                    engine.send_callback_heartbeat(callback_id)
            except ServiceError as exc:
                if exc.http_status >= 500:
                    raise
                # e.g. a callback that was already answered or timed out: the caller's to fix, not a crash
                raise UserError(f"The local engine refused the callback: {exc.message} See its state with "
                                f"diagnose_durable_execution(execution_arn={arn!r}).") from exc
            status = engine.service.get_durable_execution(DurableExecutionArn=arn)["Status"]
            note = engine.waiting_note(arn)
        message = f"Sent {outcome}; the local execution {arn} is now {status}."
        return ControlOutcome(status="done", target=callback_id, local=True, execution_status=status,
                              message=f"{message} {note}" if note else message)
    client = state.aws().lambda_client()
    if outcome == "succeed":
        done = control.send_callback_success(client, callback_id, result)
    elif outcome == "fail":
        done = control.send_callback_failure(client, callback_id, error_type, error_message)
    else:
        done = control.send_callback_heartbeat(client, callback_id)
    return ControlOutcome(status="done", target=callback_id, local=False, result=done, message=f"Sent {outcome}.")


def _control(
    ctx: Context[Any, Any],
    approval: ElicitationResult[Any],
    tool: str,
    arguments: dict[str, Any],
    what: str,
    act: Callable[[Any], ControlResult],
) -> ControlOutcome:
    """The shared body of the execution-control tools: gate, confirmation, then ``act(client)``."""
    from durable_mcp.aws.arns import parse_execution_arn

    state = state_of(ctx)
    arn = str(arguments["execution_arn"])
    verdict = decide(approval)
    local = parse_execution_arn(arn).is_local
    if verdict is Verdict.READ_ONLY:
        state.policy.require_write(tool, f"{what} an execution")
    if verdict is Verdict.PREVIEW:
        token = state.broker.issue(tool, arguments)
        return ControlOutcome(status="confirmation_required", target=arn, local=local, confirmation_token=token,
                              message=TOKEN_INSTRUCTIONS.format(token=token))
    if verdict is Verdict.DECLINED:
        return ControlOutcome(status="cancelled", target=arn, local=local, message="Nothing was changed.")
    client = state.aws().lambda_for(arn)
    with state.engine_lock:
        done = act(client)
        status = client.get_durable_execution(DurableExecutionArn=arn, IncludeExecutionData=False)["Status"]
    return ControlOutcome(status="done", target=arn, local=local, result=done, execution_status=status,
                          message=f"Done: the execution is now {status}.")


@resolver("stop_durable_execution")
def ask_stop(
    ctx: Context[Any, Any], execution_arn: str, error_message: str | None = None, confirmation_token: str | None = None
) -> Elicit[Any] | Pending:
    state = state_of(ctx)
    return ask(ctx, allow_write=state.policy.allow_write, broker=state.broker, tool="stop_durable_execution",
               arguments={"execution_arn": execution_arn, "error_message": error_message},
               summary=f"Stop the durable execution {execution_arn}", confirmation_token=confirmation_token)


def stop_durable_execution(
    ctx: Context[Any, Any],
    execution_arn: Arn,
    approval: Annotated[ElicitationResult[Any], Resolve(ask_stop)],
    error_message: Annotated[str | None, Field(description="reason recorded as the stop error")] = None,
    confirmation_token: str | None = None,
) -> ControlOutcome:
    """Stop a running execution (it ends STOPPED and cannot resume). Needs --allow-write and confirmation."""
    from durable_mcp.aws.control import stop_execution

    return _control(ctx, approval, "stop_durable_execution",
                    {"execution_arn": execution_arn, "error_message": error_message}, "stop",
                    lambda client: stop_execution(client, execution_arn, "Stopped", error_message))


@resolver("pause_or_resume_durable_execution")
def ask_pause(
    ctx: Context[Any, Any], execution_arn: str, action: str = "pause", reason: str | None = None,
    confirmation_token: str | None = None,
) -> Elicit[Any] | Pending:
    state = state_of(ctx)
    return ask(ctx, allow_write=state.policy.allow_write, broker=state.broker,
               tool="pause_or_resume_durable_execution",
               arguments={"execution_arn": execution_arn, "action": action, "reason": reason},
               summary=f"{action.capitalize()} the durable execution {execution_arn}",
               confirmation_token=confirmation_token)


def pause_or_resume_durable_execution(
    ctx: Context[Any, Any],
    execution_arn: Arn,
    approval: Annotated[ElicitationResult[Any], Resolve(ask_pause)],
    action: Literal["pause", "resume"] = "pause",
    reason: str | None = None,
    confirmation_token: str | None = None,
) -> ControlOutcome:
    """Pause a running execution (its timeout is paused too) or resume a paused one. Needs --allow-write."""
    from durable_mcp.aws.control import pause_execution, resume_execution

    def act(client: Any) -> ControlResult:
        if action == "pause":
            return pause_execution(client, execution_arn, reason)
        return resume_execution(client, execution_arn, reason)

    return _control(ctx, approval, "pause_or_resume_durable_execution",
                    {"execution_arn": execution_arn, "action": action, "reason": reason}, action, act)


def register(mcp: MCPServer[Any]) -> None:
    add_tool(mcp, list_durable_executions, name="list_durable_executions", title="List durable executions",
             access=Access.READ, open_world=True, idempotent=True)
    add_tool(mcp, get_durable_execution, name="get_durable_execution", title="Get a durable execution",
             access=Access.READ, open_world=True, idempotent=True)
    add_tool(mcp, get_durable_execution_history, name="get_durable_execution_history",
             title="Durable execution history", access=Access.READ, open_world=True, idempotent=True)
    add_tool(mcp, diagnose_durable_execution, name="diagnose_durable_execution",
             title="Diagnose a durable execution", access=Access.READ, open_world=True, idempotent=True)
    add_tool(mcp, get_durable_execution_logs, name="get_durable_execution_logs", title="Durable execution logs",
             access=Access.READ, open_world=True, idempotent=True)
    add_tool(mcp, send_durable_callback, name="send_durable_callback", title="Send a durable callback",
             access=Access.WRITE, open_world=True, idempotent=False)
    add_tool(mcp, stop_durable_execution, name="stop_durable_execution", title="Stop a durable execution",
             access=Access.WRITE, open_world=True, idempotent=True, destructive=True)
    add_tool(mcp, pause_or_resume_durable_execution, name="pause_or_resume_durable_execution",
             title="Pause or resume a durable execution", access=Access.WRITE, open_world=True, idempotent=True)
