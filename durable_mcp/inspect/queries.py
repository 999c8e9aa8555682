"""Read-only queries over a Lambda-like client: list, get, history, diagnose and logs.

Every function returns a redacted model unless ``include_sensitive`` is set; without it, the
service is also asked not to send execution data (``IncludeExecutionData=False``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from durable_mcp.aws.arns import parse_execution_arn, parse_function
from durable_mcp.aws.errors import aws_call
from durable_mcp.aws.session import AwsClients, LambdaLike
from durable_mcp.errors import UserError
from durable_mcp.inspect.diagnose import diagnose_folded
from durable_mcp.inspect.fold import HistoryFold, merge_execution
from durable_mcp.inspect.models import (
    Cause,
    Diagnosis,
    ExecutionList,
    ExecutionLogs,
    ExecutionSummary,
    ExecutionView,
    HistoryFormat,
    HistoryView,
    LogLine,
)
from durable_mcp.inspect.redact import redact
from durable_mcp.inspect.render import mermaid_gantt, timeline_lines

PAGE_LIMIT = 1000  # the service's maximum MaxItems
EXECUTION_STATUSES = frozenset(
    {"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED", "DELETING", "PAUSING", "PAUSED"}
)


def list_executions(
    client: LambdaLike,
    function: str,
    *,
    qualifier: str | None = None,
    statuses: Iterable[str] = (),
    started_after: datetime | None = None,
    started_before: datetime | None = None,
    execution_name: str | None = None,
    max_items: int = 50,
    marker: str | None = None,
    newest_first: bool = True,
) -> ExecutionList:
    ref = parse_function(function)
    wanted = sorted({status.upper() for status in statuses})
    unknown = [status for status in wanted if status not in EXECUTION_STATUSES]
    if unknown:
        raise UserError(f"Unknown status {unknown}; use any of {sorted(EXECUTION_STATUSES)}.")
    kwargs: dict[str, Any] = {
        "FunctionName": ref.function,
        "MaxItems": max(1, min(max_items, PAGE_LIMIT)),
        "ReverseOrder": newest_first,
    }
    optional = {
        "Qualifier": qualifier or ref.qualifier,
        "Statuses": wanted or None,
        "StartedAfter": started_after,
        "StartedBefore": started_before,
        "DurableExecutionName": execution_name,
        "Marker": marker,
    }
    kwargs.update({key: value for key, value in optional.items() if value is not None})
    with aws_call("lambda:ListDurableExecutionsByFunction", function):
        response = client.list_durable_executions_by_function(**kwargs)
    rows = [
        ExecutionSummary(
            arn=row["DurableExecutionArn"],
            name=row["DurableExecutionName"],
            function_arn=row["FunctionArn"],
            status=row["Status"],
            started_at=row["StartTimestamp"],
            ended_at=row.get("EndTimestamp"),
        )
        for row in response.get("DurableExecutions", [])
    ]
    return ExecutionList(executions=rows, next_marker=response.get("NextMarker"))


def _get(client: LambdaLike, arn: str, include_sensitive: bool) -> dict[str, Any]:
    parse_execution_arn(arn)
    with aws_call("lambda:GetDurableExecution", arn):
        return client.get_durable_execution(DurableExecutionArn=arn, IncludeExecutionData=include_sensitive)


def get_execution(client: LambdaLike, arn: str, include_sensitive: bool = False) -> ExecutionView:
    response = _get(client, arn, include_sensitive)
    view = merge_execution(HistoryFold().result(), response)
    parsed = parse_execution_arn(arn)
    view = view.model_copy(update={"is_local": parsed.is_local, "console_url": parsed.console_url})
    return redact(view, include_sensitive)


def _history_page(
    client: LambdaLike, arn: str, include_sensitive: bool, marker: str | None, max_items: int
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "DurableExecutionArn": arn,
        "IncludeExecutionData": include_sensitive,
        "MaxItems": max(1, min(max_items, PAGE_LIMIT)),
    }
    if marker:
        kwargs["Marker"] = marker
    with aws_call("lambda:GetDurableExecutionHistory", arn):
        return client.get_durable_execution_history(**kwargs)


def iter_history(client: LambdaLike, arn: str, include_sensitive: bool = False) -> Iterator[dict[str, Any]]:
    """All events of the execution, fetched page by page (1,000 per call)."""
    marker: str | None = None
    while True:
        page = _history_page(client, arn, include_sensitive, marker, PAGE_LIMIT)
        yield from page.get("Events", [])
        marker = page.get("NextMarker")
        if not marker:
            return


def get_history(
    client: LambdaLike,
    arn: str,
    *,
    format: HistoryFormat = "events",
    include_sensitive: bool = False,
    all_pages: bool = True,
    marker: str | None = None,
    max_items: int = 100,
) -> HistoryView:
    """The history as raw events, a one-line-per-operation timeline, or a Mermaid Gantt chart.

    With ``all_pages=False`` only one page (``max_items`` events from ``marker``) is read and
    ``next_marker`` says where the next page starts; timeline and chart then cover that page only.
    """
    parse_execution_arn(arn)
    next_marker: str | None = None
    if all_pages:
        events = list(iter_history(client, arn, include_sensitive))
    else:
        page = _history_page(client, arn, include_sensitive, marker, max_items)
        events, next_marker = page.get("Events", []), page.get("NextMarker")
    view = HistoryView(execution_arn=arn, format=format, event_count=len(events), next_marker=next_marker)
    if format == "events":
        view.events = events
    else:
        folded = HistoryFold().add_all(events).result()
        if format == "timeline":
            view.timeline = timeline_lines(folded)
        else:
            view.mermaid = mermaid_gantt(folded, title=parse_execution_arn(arn).name)
    return redact(view, include_sensitive)


def diagnose_execution(
    client: LambdaLike,
    arn: str,
    include_sensitive: bool = False,
    now: datetime | None = None,
    follow_chained: int = 2,
) -> Diagnosis:
    """Read-only: fetch the execution and its whole history, then explain its state.

    The execution record is always read with its data, because the error *type* (for instance
    ``NonDeterministicExecutionError``) is what tells failure kinds apart; the output is still
    redacted, so only the type, never a message or payload, leaves this function. A failed chained
    invoke is followed into the child execution (up to ``follow_chained`` levels).
    """
    execution = _get(client, arn, True)
    folded = HistoryFold().add_all(iter_history(client, arn, include_sensitive)).result()
    diagnosis = diagnose_folded(folded, execution, now)
    child = diagnosis.failing_operation.chained_execution_arn if diagnosis.failing_operation else None
    if diagnosis.cause is Cause.CHAINED_INVOKE_FAILED and child and follow_chained > 0:
        try:
            inner = diagnose_execution(client, child, include_sensitive, now, follow_chained - 1)
        except UserError as exc:
            diagnosis.findings.append(f"The child execution could not be read: {exc}")
        else:
            diagnosis.findings.append(f"Child execution {child}: {inner.summary}")
            diagnosis.findings.extend(f"  child: {finding}" for finding in inner.findings)
    return redact(diagnosis, include_sensitive)


def execution_logs(
    clients: AwsClients,
    arn: str,
    include_sensitive: bool = False,
    limit: int = 200,
    next_token: str | None = None,
) -> ExecutionLogs:
    """Log lines of one execution: CloudWatch Logs for AWS, the captured lines for local executions."""
    parsed = parse_execution_arn(arn)
    if parsed.is_local:
        if clients.local_logs is None:
            raise UserError("This is a local execution, but no local engine is attached to read its logs from.")
        lines = [_local_line(item) for item in clients.local_logs(arn)]
        return redact(ExecutionLogs(execution_arn=arn, source="local", lines=lines[-limit:]), include_sensitive)
    client = clients.lambda_for(arn)
    execution = _get(client, arn, False)
    terms = _log_terms(parsed.invocation_id, iter_history(client, arn, False))
    group = _log_group(clients, parsed.function, parsed.qualifier) or parsed.log_group
    start: datetime = execution["StartTimestamp"] - timedelta(minutes=1)
    end: datetime | None = execution.get("EndTimestamp")
    kwargs: dict[str, Any] = {
        "logGroupName": group,
        "filterPattern": " ".join(f'?"{term}"' for term in terms) if len(terms) > 1 else f'"{terms[0]}"',
        "startTime": int(start.timestamp() * 1000),
        "limit": max(1, min(limit, 10000)),
    }
    if end is not None:
        kwargs["endTime"] = int((end + timedelta(minutes=5)).timestamp() * 1000)
    if next_token:
        kwargs["nextToken"] = next_token
    with aws_call("logs:FilterLogEvents", group):
        response = clients.client("logs").filter_log_events(**kwargs)
    lines = [
        LogLine(
            timestamp=datetime.fromtimestamp(event["timestamp"] / 1000, tz=start.tzinfo),
            stream=event.get("logStreamName"),
            message=event.get("message", "").rstrip("\n"),
        )
        for event in response.get("events", [])
        # Filter-pattern support differs between CloudWatch and emulators; keep only matching lines.
        if any(term in event.get("message", "") for term in terms)
    ]
    view = ExecutionLogs(execution_arn=arn, source=group, lines=lines, next_token=response.get("nextToken"))
    return redact(view, include_sensitive)


FILTER_PATTERN_LIMIT = 1024


def _log_terms(invocation_id: str, events: Iterable[Mapping[str, Any]]) -> list[str]:
    """What identifies the execution's log lines: its id (in the SDK's structured logs) and the
    request ids of its invocations (in every line the runtime writes), newest first, as many as
    fit in one filter pattern."""
    request_ids = [
        str(details["RequestId"])
        for event in events
        if (details := event.get("InvocationCompletedDetails")) and details.get("RequestId")
    ]
    terms = [invocation_id]
    size = len(invocation_id) + 4
    for request_id in reversed(request_ids):
        size += len(request_id) + 4
        if size > FILTER_PATTERN_LIMIT:
            break
        terms.append(request_id)
    return terms


def _log_group(clients: AwsClients, function: str, qualifier: str) -> str | None:
    """A custom ``LoggingConfig.LogGroup`` if the function has one."""
    with aws_call("lambda:GetFunctionConfiguration", function):
        lam = clients.client("lambda", control_plane=True)
        config = lam.get_function_configuration(FunctionName=function, Qualifier=qualifier)
    group = (config.get("LoggingConfig") or {}).get("LogGroup")
    return str(group) if group else None


def _local_line(item: str | Mapping[str, Any]) -> LogLine:
    if isinstance(item, str):
        return LogLine(message=item)
    return LogLine(timestamp=item.get("timestamp"), stream=item.get("stream"), message=item.get("message"))
