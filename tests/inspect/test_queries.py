"""Queries against a Lambda client: request shapes, paging, formats and redaction.

moto has no durable API, so the durable calls are answered by botocore's Stubber, which checks
both our request parameters and the response shapes against the Lambda service model.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from durable_mcp.aws.session import AwsClients
from durable_mcp.errors import UserError
from durable_mcp.inspect.models import Cause
from durable_mcp.inspect.queries import (
    diagnose_execution,
    execution_logs,
    get_execution,
    get_history,
    list_executions,
)
from durable_mcp.inspect.redact import REDACTED
from tests.inspect import histories as h


@pytest.fixture
def clients(aws_env: str) -> AwsClients:
    return AwsClients()


@pytest.fixture
def stub(clients: AwsClients):
    with Stubber(clients.client("lambda")) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def history_pages(stub: Stubber, events: list[dict[str, Any]], include: bool, size: int = 1000) -> None:
    for index in range(0, len(events), size):
        params: dict[str, Any] = {"DurableExecutionArn": h.ARN, "IncludeExecutionData": include, "MaxItems": 1000}
        if index:
            params["Marker"] = f"m{index}"
        response: dict[str, Any] = {"Events": events[index : index + size]}
        if index + size < len(events):
            response["NextMarker"] = f"m{index + size}"
        stub.add_response("get_durable_execution_history", response, params)


def test_list_sends_filters_and_pages(clients, stub):
    row = {
        "DurableExecutionArn": h.ARN,
        "DurableExecutionName": "order-42",
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:orders:3",
        "Status": "FAILED",
        "StartTimestamp": h.T0,
    }
    stub.add_response(
        "list_durable_executions_by_function",
        {"DurableExecutions": [row], "NextMarker": "next"},
        {
            "FunctionName": "orders",
            "Qualifier": "live",
            "Statuses": ["FAILED", "TIMED_OUT"],
            "MaxItems": 10,
            "ReverseOrder": True,
            "StartedAfter": h.T0,
            "Marker": "prev",
        },
    )
    page = list_executions(
        clients.lambda_client(),
        "orders:live",
        statuses=["timed_out", "FAILED"],
        started_after=h.T0,
        max_items=10,
        marker="prev",
    )
    assert page.next_marker == "next" and page.executions[0].status == "FAILED"


def test_unknown_status_is_refused_before_calling(clients):
    with pytest.raises(UserError, match="Unknown status"):
        list_executions(clients.lambda_client(), "orders:live", statuses=["BROKEN"])


def test_get_redacts_and_asks_for_no_data(clients, stub):
    execution = h.failed_step().execution()
    stub.add_response("get_durable_execution", execution, {"DurableExecutionArn": h.ARN, "IncludeExecutionData": False})
    view = get_execution(clients.lambda_client(), h.ARN)
    assert view.status == "FAILED" and view.input == REDACTED and view.error.type == "PaymentDeclined"
    assert view.console_url.endswith("/executions/order-42/0f1e2d3c")


def test_whole_history_of_more_than_1000_events_is_read_page_by_page(clients, stub):
    _, events = h.long_history(1200).build()
    assert len(events) > 2400
    history_pages(stub, events, include=False)
    view = get_history(clients.lambda_client(), h.ARN, format="timeline")
    assert view.event_count == len(events) and len(view.timeline) == 1 + 1201 and view.next_marker is None


def test_one_page_returns_its_marker(clients, stub):
    _, events = h.long_history(10).build()
    stub.add_response(
        "get_durable_execution_history",
        {"Events": events[:5], "NextMarker": "p2"},
        {"DurableExecutionArn": h.ARN, "IncludeExecutionData": True, "MaxItems": 5, "Marker": "p1"},
    )
    view = get_history(
        clients.lambda_client(), h.ARN, include_sensitive=True, all_pages=False, marker="p1", max_items=5
    )
    assert view.next_marker == "p2" and len(view.events) == 5
    assert h.SECRET in view.model_dump_json()


def test_events_and_mermaid_formats_carry_no_payload(clients, stub):
    _, events = h.failed_step().build()
    history_pages(stub, events, include=False)
    history_pages(stub, events, include=False)
    raw = get_history(clients.lambda_client(), h.ARN)
    chart = get_history(clients.lambda_client(), h.ARN, format="mermaid")
    assert len(raw.events) == len(events) and chart.mermaid.startswith("gantt\n    title order-42")
    assert h.SECRET not in raw.model_dump_json() + chart.model_dump_json()


def test_diagnose_reads_execution_and_history_only(clients, stub):
    execution, events = h.stuck_on_callback().build()
    stub.add_response("get_durable_execution", execution, {"DurableExecutionArn": h.ARN, "IncludeExecutionData": True})
    history_pages(stub, events, include=False)
    d = diagnose_execution(clients.lambda_client(), h.ARN, now=h.T0 + timedelta(minutes=5))
    assert d.cause is Cause.WAITING_FOR_CALLBACK and d.pending[0].callback_id == "Y2IxMjM="


def test_logs_are_filtered_by_the_execution_and_redacted(clients, stub):
    execution, events = h.failed_step().build()
    request_id = next(
        e["InvocationCompletedDetails"]["RequestId"] for e in events if e["EventType"] == "InvocationCompleted"
    )
    logs = boto3.client("logs")
    group = "/aws/lambda/orders"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    start = int((h.T0 + timedelta(seconds=1)).timestamp() * 1000)
    messages = [
        f"START RequestId: {request_id}",
        f'{{"executionArn": "...0f1e2d3c", "msg": "card {h.SECRET}"}}',
        "START RequestId: another-execution",
    ]
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s1",
        logEvents=[{"timestamp": start + i, "message": m} for i, m in enumerate(messages)],
    )

    def expect_calls() -> None:
        stub.add_response(
            "get_durable_execution", execution, {"DurableExecutionArn": h.ARN, "IncludeExecutionData": False}
        )
        history_pages(stub, events, include=False)
        stub.add_response(
            "get_function_configuration", {"FunctionName": "orders"}, {"FunctionName": "orders", "Qualifier": "3"}
        )

    expect_calls()
    redacted = execution_logs(clients, h.ARN)
    assert redacted.source == group and len(redacted.lines) == 2
    assert {line.message for line in redacted.lines} == {REDACTED} and redacted.lines[0].stream == "s1"
    expect_calls()
    shown = execution_logs(clients, h.ARN, include_sensitive=True)
    assert [line.message for line in shown.lines] == messages[:2]


def test_local_logs_come_from_the_engine():
    captured = {h.LOCAL_ARN: ["step a started", {"message": f"card {h.SECRET}", "stream": "local"}]}
    clients = AwsClients(local_logs=lambda arn: captured[arn])
    logs = execution_logs(clients, h.LOCAL_ARN)
    assert logs.source == "local" and [line.message for line in logs.lines] == [REDACTED, REDACTED]
    assert execution_logs(clients, h.LOCAL_ARN, include_sensitive=True).lines[1].message.endswith(h.SECRET)
