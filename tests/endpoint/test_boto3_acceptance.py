"""Acceptance: the local endpoint, driven with boto3 alone, behaves like the Lambda durable API.

A real engine (DurableService + in-process Python invoker) serves a real handler; nothing here
talks to the engine except through HTTP.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from durable_mcp.endpoint.driver import BackgroundDriver
from durable_mcp.endpoint.server import serve
from durable_mcp.engine.python_invoker import PythonInvoker
from durable_mcp.engine.service import DurableService

HANDLER = Path(__file__).parent / "handlers" / "orders.py"


def serving(service: DurableService) -> Iterator[Any]:
    invoker = PythonInvoker(f"{HANDLER}:handler", service, function_name="orders", log_sink=service.append_logs)
    service.register_function("orders", invoker, version="1", aliases=("live",))
    with serve(service) as server, BackgroundDriver(service):
        yield boto3.client(
            "lambda",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"total_max_attempts": 1}),
        )
    service.close()


@pytest.fixture
def lambda_client() -> Iterator[Any]:
    yield from serving(DurableService())


@pytest.fixture
def real_time_client() -> Iterator[Any]:
    yield from serving(DurableService(real_time=True))


def eventually(check: Callable[[], Any], timeout_s: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def history(client: Any, arn: str, **kwargs: Any) -> list[dict[str, Any]]:
    return list(client.get_durable_execution_history(DurableExecutionArn=arn, **kwargs)["Events"])


def open_callback_id(client: Any, arn: str) -> str | None:
    """The started callback's id, once the invocation that created it has ended."""
    callback_id = None
    for event in history(client, arn):
        if event["EventType"] == "CallbackStarted":
            callback_id = str(event["CallbackStartedDetails"]["CallbackId"])
        elif event["EventType"] == "InvocationCompleted" and callback_id:
            return callback_id
    return None


def test_invoke_by_alias_runs_to_completion_and_returns_the_result(lambda_client: Any) -> None:
    response = lambda_client.invoke(FunctionName="orders:live", Payload=json.dumps({"amount": 21}))
    assert response["StatusCode"] == 200
    assert json.loads(response["Payload"].read()) == {"total": 42}
    assert response["ExecutedVersion"] == "1"
    arn = response["DurableExecutionArn"]
    assert ":function:orders:1/durable-execution/" in arn
    execution = lambda_client.get_durable_execution(DurableExecutionArn=arn)
    assert execution["Status"] == "SUCCEEDED"
    assert execution["StartTimestamp"] <= execution["EndTimestamp"]


def test_invoke_by_version_with_a_name_is_idempotent_for_the_same_payload(lambda_client: Any) -> None:
    payload = json.dumps({"amount": 1, "wait": 30})
    first = lambda_client.invoke(FunctionName="orders", Qualifier="1", Payload=payload, DurableExecutionName="order-1")
    again = lambda_client.invoke(FunctionName="orders", Qualifier="1", Payload=payload, DurableExecutionName="order-1")
    assert first["DurableExecutionArn"] == again["DurableExecutionArn"]
    assert "/durable-execution/order-1/" in first["DurableExecutionArn"]
    with pytest.raises(lambda_client.exceptions.DurableExecutionAlreadyStartedException):
        lambda_client.invoke(
            FunctionName="orders", Qualifier="1", Payload=json.dumps({"amount": 2}), DurableExecutionName="order-1"
        )


def test_list_get_and_page_history(lambda_client: Any) -> None:
    arns = {
        lambda_client.invoke(FunctionName="orders:1", Payload=json.dumps({"amount": n, "wait": 5}))[
            "DurableExecutionArn"
        ]
        for n in (1, 2)
    }
    listed = lambda_client.list_durable_executions_by_function(FunctionName="orders", Statuses=["SUCCEEDED"])
    assert {item["DurableExecutionArn"] for item in listed["DurableExecutions"]} >= arns
    arn = sorted(arns)[0]
    everything = history(lambda_client, arn, MaxItems=1000)
    assert everything[0]["EventType"] == "ExecutionStarted"
    assert "WaitStarted" in {event["EventType"] for event in everything}
    paged: list[dict[str, Any]] = []
    paginator = lambda_client.get_paginator("get_durable_execution_history")
    for page in paginator.paginate(DurableExecutionArn=arn, PaginationConfig={"PageSize": 2}):
        assert len(page["Events"]) <= 2
        paged.extend(page["Events"])
    assert [e["EventId"] for e in paged] == [e["EventId"] for e in everything]


def test_callback_success_resumes_an_event_invocation(lambda_client: Any) -> None:
    started = lambda_client.invoke(
        FunctionName="orders:live", InvocationType="Event", Payload=json.dumps({"amount": 5, "approval": True})
    )
    assert started["StatusCode"] == 202
    arn = started["DurableExecutionArn"]
    callback_id = eventually(lambda: open_callback_id(lambda_client, arn))
    lambda_client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)
    lambda_client.send_durable_execution_callback_success(CallbackId=callback_id, Result=b"approved")
    done = eventually(
        lambda: (e := lambda_client.get_durable_execution(DurableExecutionArn=arn))["Status"] == "SUCCEEDED" and e
    )
    assert json.loads(done["Result"]) == {"total": 10, "answer": "approved"}


def test_stop_ends_a_waiting_execution(lambda_client: Any) -> None:
    arn = lambda_client.invoke(
        FunctionName="orders:live", InvocationType="Event", Payload=json.dumps({"amount": 5, "approval": True})
    )["DurableExecutionArn"]
    eventually(lambda: open_callback_id(lambda_client, arn))
    stopped = lambda_client.stop_durable_execution(
        DurableExecutionArn=arn, Error={"ErrorType": "Cancelled", "ErrorMessage": "no longer needed"}
    )
    assert stopped["StopTimestamp"]
    assert lambda_client.get_durable_execution(DurableExecutionArn=arn)["Status"] == "STOPPED"
    assert history(lambda_client, arn)[-1]["EventType"] == "ExecutionStopped"


def test_each_bad_request_raises_its_named_error(lambda_client: Any) -> None:
    errors = lambda_client.exceptions
    missing_arn = "arn:aws:lambda:us-east-1:000000000000:function:orders:1/durable-execution/none/0000"
    with pytest.raises(errors.ResourceNotFoundException):
        lambda_client.get_durable_execution(DurableExecutionArn=missing_arn)
    with pytest.raises(errors.ResourceNotFoundException):
        lambda_client.invoke(FunctionName="nobody:1", Payload=b"{}")
    with pytest.raises(errors.ResourceNotFoundException):
        lambda_client.invoke(FunctionName="orders:no-such-alias", Payload=b"{}")
    with pytest.raises(errors.InvalidParameterValueException):
        lambda_client.invoke(FunctionName="orders", Payload=b"{}")  # unqualified
    with pytest.raises(errors.RequestTooLargeException):
        lambda_client.invoke(FunctionName="orders:1", InvocationType="Event", Payload=b" " * (1024 * 1024 + 1))

    arn = lambda_client.invoke(
        FunctionName="orders:1", InvocationType="Event", Payload=json.dumps({"amount": 1, "approval": True})
    )["DurableExecutionArn"]
    callback_id = eventually(lambda: open_callback_id(lambda_client, arn))
    with pytest.raises(errors.InvalidParameterValueException):
        lambda_client.get_durable_execution_history(DurableExecutionArn=arn, MaxItems=5000)
    with pytest.raises(errors.ResourceConflictException):
        lambda_client.delete_durable_execution(DurableExecutionArn=arn)  # still running
    with pytest.raises(errors.InvalidParameterValueException, match="Invalid checkpoint token"):
        lambda_client.checkpoint_durable_execution(DurableExecutionArn=arn, CheckpointToken="c3RhbGU=", Updates=[])
    with pytest.raises(errors.ResourceNotFoundException):
        lambda_client.send_durable_execution_callback_success(CallbackId="bm9uZTpub25l", Result=b"x")
    with pytest.raises(errors.InvalidParameterValueException):
        lambda_client.send_durable_execution_callback_success(CallbackId=callback_id, Result=b"x" * (1024 * 1024 + 1))
    lambda_client.stop_durable_execution(DurableExecutionArn=arn)
    deleted = lambda_client.delete_durable_execution(DurableExecutionArn=arn)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202


def test_a_timed_out_callback_raises_callback_timeout(real_time_client: Any) -> None:
    arn = real_time_client.invoke(
        FunctionName="orders:live",
        InvocationType="Event",
        Payload=json.dumps({"amount": 1, "approval": True, "approval_timeout": 1}),
    )["DurableExecutionArn"]
    callback_id = eventually(lambda: open_callback_id(real_time_client, arn))
    eventually(lambda: real_time_client.get_durable_execution(DurableExecutionArn=arn)["Status"] == "FAILED")
    with pytest.raises(real_time_client.exceptions.CallbackTimeoutException):
        real_time_client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)


def test_pause_resume_and_delete(lambda_client: Any) -> None:
    arn = lambda_client.invoke(
        FunctionName="orders:live", InvocationType="Event", Payload=json.dumps({"amount": 2, "approval": True})
    )["DurableExecutionArn"]
    callback_id = eventually(lambda: open_callback_id(lambda_client, arn))
    paused = lambda_client.pause_durable_execution(DurableExecutionArn=arn, Reason="maintenance window")
    assert paused["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert lambda_client.get_durable_execution(DurableExecutionArn=arn)["Status"] in ("PAUSING", "PAUSED")
    lambda_client.resume_durable_execution(DurableExecutionArn=arn, Reason="done")
    lambda_client.send_durable_execution_callback_success(CallbackId=callback_id, Result=b"ok")
    eventually(lambda: lambda_client.get_durable_execution(DurableExecutionArn=arn)["Status"] == "SUCCEEDED")
    assert lambda_client.delete_durable_execution(DurableExecutionArn=arn)["DeletionRequestTimestamp"]
    eventually(lambda: _gone(lambda_client, arn))


def _gone(client: Any, arn: str) -> bool:
    try:
        client.get_durable_execution(DurableExecutionArn=arn)
    except client.exceptions.ResourceNotFoundException:
        return True
    return False


def test_log_type_tail_returns_the_execution_log(lambda_client: Any) -> None:
    response = lambda_client.invoke(FunctionName="orders:1", Payload=json.dumps({"amount": 1}), LogType="Tail")
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "START RequestId" in tail
    assert "REPORT RequestId" in tail


def test_a_standard_function_is_invoked_once_and_answers_its_payload() -> None:
    service = DurableService()
    flows = Path(__file__).parents[1] / "engine" / "handlers" / "flows.py"
    adder = PythonInvoker(f"{flows}:add", service, function_name="adder")
    assert not adder.durable
    service.register_function("adder", adder, caller=adder)
    running = serving(service)
    client = next(running)
    answered = client.invoke(FunctionName="adder", Payload=json.dumps({"a": 2, "b": 3}))
    assert json.loads(answered["Payload"].read()) == {"sum": 5}
    assert "DurableExecutionArn" not in answered and "FunctionError" not in answered
    failed = client.invoke(FunctionName="adder", Payload=json.dumps({}))
    assert failed["FunctionError"] == "Unhandled"
    assert json.loads(failed["Payload"].read())["errorType"] == "ValueError"
    assert client.list_durable_executions_by_function(FunctionName="adder")["DurableExecutions"] == []
    running.close()
