"""DurableService as an API: tokens, idempotency, validation, paging, control operations."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest

from durable_mcp.engine.errors import (
    CallbackTimeoutException,
    DurableExecutionAlreadyStartedException,
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from durable_mcp.engine.model import ARN_PATTERN, execution_id_of
from durable_mcp.engine.service import DurableService

Script = Callable[[DurableService, dict[str, Any]], dict[str, Any]]


class ScriptedInvoker:
    """Plays the handler's side of the protocol with a script, recording each event it receives."""

    def __init__(self, service: DurableService, *scripts: Script) -> None:
        self.service = service
        self.scripts = list(scripts)
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
        self.events.append(event)
        return self.scripts.pop(0)(self.service, event)


def step_update(op_id: str, action: str, **extra: Any) -> dict[str, Any]:
    return {"Id": op_id, "Type": "STEP", "SubType": "Step", "Action": action, "Name": op_id, **extra}


def checkpoint(service: DurableService, event: dict[str, Any], *updates: dict[str, Any]) -> dict[str, Any]:
    return service.checkpoint_durable_execution(
        DurableExecutionArn=event["DurableExecutionArn"],
        CheckpointToken=event["CheckpointToken"],
        Updates=list(updates),
    )


def start(service: DurableService, *scripts: Script, payload: str | None = '"in"') -> tuple[str, ScriptedInvoker]:
    invoker = ScriptedInvoker(service, *scripts)
    service.register_function("fn", invoker)
    rec = service.start_execution("fn", payload)
    service.drive(rec.arn)
    return rec.arn, invoker


def succeed(result: Any) -> Script:
    return lambda _service, _event: {"Status": "SUCCEEDED", "Result": json.dumps(result)}


def test_arn_and_execution_operation_follow_the_service_layout() -> None:
    service = DurableService()
    arn, invoker = start(service, succeed(1))
    assert ARN_PATTERN.fullmatch(arn)
    assert ":000000000000:function:fn:$LATEST/durable-execution/" in arn
    first = invoker.events[0]
    (execution_op,) = first["InitialExecutionState"]["Operations"]
    assert execution_op["Id"] == execution_id_of(arn)
    assert execution_op["Type"] == "EXECUTION"
    assert execution_op["ExecutionDetails"] == {"InputPayload": '"in"'}
    assert isinstance(execution_op["StartTimestamp"], int)  # epoch ms in the JSON event


def test_each_checkpoint_rotates_the_token_and_stale_tokens_are_refused_as_retryable() -> None:
    seen: dict[str, Any] = {}

    def script(service: DurableService, event: dict[str, Any]) -> dict[str, Any]:
        first = checkpoint(service, event, step_update("a", "START"))
        assert first["CheckpointToken"] != event["CheckpointToken"]
        with pytest.raises(InvalidParameterValueException) as stale:
            checkpoint(service, event, step_update("a", "SUCCEED", Payload="1"))
        seen["error"] = stale.value
        checkpoint(service, {**event, "CheckpointToken": first["CheckpointToken"]}, step_update("a", "SUCCEED"))
        return {"Status": "SUCCEEDED", "Result": "1"}

    service = DurableService()
    arn, _ = start(service, script)
    assert service.get_durable_execution(DurableExecutionArn=arn)["Status"] == "SUCCEEDED"
    error = seen["error"]
    assert error.message.startswith("Invalid checkpoint token")
    # The SDK classifies errors from botocore's response shape; this one must be retryable.
    from aws_durable_execution_sdk_python.exceptions import CheckpointError

    assert CheckpointError.from_exception(error).is_retryable()


def test_a_token_from_an_ended_invocation_is_refused() -> None:
    service = DurableService()
    _, invoker = start(service, succeed(1))
    with pytest.raises(InvalidParameterValueException, match="Invalid checkpoint token"):
        checkpoint(service, invoker.events[0], step_update("late", "START"))


def test_client_token_makes_a_checkpoint_idempotent() -> None:
    def script(service: DurableService, event: dict[str, Any]) -> dict[str, Any]:
        kwargs = {
            "DurableExecutionArn": event["DurableExecutionArn"],
            "CheckpointToken": event["CheckpointToken"],
            "Updates": [step_update("a", "START")],
            "ClientToken": "retry-1",
        }
        first = service.checkpoint_durable_execution(**kwargs)
        again = service.checkpoint_durable_execution(**kwargs)
        assert again == first
        return {"Status": "SUCCEEDED", "Result": "1"}

    service = DurableService()
    arn, _ = start(service, script)
    types = [e["EventType"] for e in service.get_durable_execution_history(DurableExecutionArn=arn)["Events"]]
    assert types.count("StepStarted") == 1


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"Id": "bad id!", "Type": "STEP", "Action": "START"}, "Id must match"),
        ({"Id": "a", "Type": "WAIT", "Action": "SUCCEED"}, "not valid for operation type WAIT"),
        ({"Id": "a", "Type": "WAIT", "Action": "START", "WaitOptions": {"WaitSeconds": 0}}, "WaitSeconds"),
        ({"Id": "a", "Type": "STEP", "Action": "SUCCEED"}, "must be started"),
        ({"Id": "a", "Type": "STEP", "Action": "START", "ParentId": "nope"}, "ParentId"),
        ({"Id": "a", "Type": "STEP", "Action": "START", "Payload": "x" * (1024 * 1024 + 1)}, "limit"),
    ],
)
def test_invalid_updates_are_rejected_and_change_nothing(update: dict[str, Any], message: str) -> None:
    def script(service: DurableService, event: dict[str, Any]) -> dict[str, Any]:
        with pytest.raises(InvalidParameterValueException, match=message):
            checkpoint(service, event, step_update("ok", "START"), update)
        return {"Status": "SUCCEEDED", "Result": "1"}

    service = DurableService()
    arn, _ = start(service, script)
    types = [e["EventType"] for e in service.get_durable_execution_history(DurableExecutionArn=arn)["Events"]]
    assert "StepStarted" not in types


def test_state_and_history_page_with_marker_and_max_items() -> None:
    def script(service: DurableService, event: dict[str, Any]) -> dict[str, Any]:
        updates = [step_update(f"s{i}", "START") for i in range(5)]
        token = checkpoint(service, event, *updates)["CheckpointToken"]
        pages = []
        marker = None
        while True:
            page = service.get_durable_execution_state(
                DurableExecutionArn=event["DurableExecutionArn"], CheckpointToken=token, MaxItems=2, Marker=marker
            )
            pages.append([op["Id"] for op in page["Operations"]])
            marker = page.get("NextMarker")
            if not marker:
                break
        assert pages[1:] == [["s1", "s2"], ["s3", "s4"]]
        assert len(pages[0]) == 2 and pages[0][1] == "s0"
        return {"Status": "SUCCEEDED", "Result": "1"}

    service = DurableService()
    arn, _ = start(service, script)
    everything = service.get_durable_execution_history(DurableExecutionArn=arn)["Events"]
    assert [e["EventId"] for e in everything] == list(range(1, len(everything) + 1))
    first = service.get_durable_execution_history(DurableExecutionArn=arn, MaxItems=3)
    rest = service.get_durable_execution_history(DurableExecutionArn=arn, Marker=first["NextMarker"])
    assert first["Events"] + rest["Events"] == everything
    reverse = service.get_durable_execution_history(DurableExecutionArn=arn, ReverseOrder=True)["Events"]
    assert reverse == everything[::-1]
    with pytest.raises(InvalidParameterValueException):
        service.get_durable_execution_history(DurableExecutionArn=arn, MaxItems=1001)


def test_history_without_execution_data_drops_payloads_only() -> None:
    service = DurableService()
    arn, _ = start(service, succeed({"secret": 1}))
    events = service.get_durable_execution_history(DurableExecutionArn=arn, IncludeExecutionData=False)["Events"]
    assert events[0]["ExecutionStartedDetails"]["Input"] == {"Truncated": False}
    assert events[-1]["ExecutionSucceededDetails"]["Result"] == {"Truncated": False}
    described = service.get_durable_execution(DurableExecutionArn=arn, IncludeExecutionData=False)
    assert "Result" not in described and "InputPayload" not in described


def test_callback_errors_follow_the_api() -> None:
    def open_callback(service: DurableService, event: dict[str, Any]) -> dict[str, Any]:
        update = {"Id": "cb", "Type": "CALLBACK", "Action": "START", "CallbackOptions": {"TimeoutSeconds": 5}}
        response = checkpoint(service, event, update)
        (op,) = response["NewExecutionState"]["Operations"]
        assert op["CallbackDetails"]["CallbackId"]
        return {"Status": "PENDING"}

    service = DurableService()
    arn, _ = start(service, open_callback)
    with pytest.raises(ResourceNotFoundException):
        service.send_durable_execution_callback_success(CallbackId="bm9wZQ==", Result=b"1")
    callback_id = service.record(arn).ops["cb"]["CallbackDetails"]["CallbackId"]
    service.drive(arn, stop_on_open_callback=False)  # the 5 s timeout fires in virtual time
    with pytest.raises(CallbackTimeoutException):
        service.send_durable_execution_callback_success(CallbackId=callback_id, Result=b"1")


def test_stop_pause_resume_and_delete() -> None:
    def pending(service: DurableService, event: dict[str, Any]) -> dict[str, Any]:
        checkpoint(service, event, {"Id": "cb", "Type": "CALLBACK", "Action": "START"})
        return {"Status": "PENDING"}

    service = DurableService()
    arn, _ = start(service, pending, pending)
    with pytest.raises(ResourceConflictException):
        service.delete_durable_execution(DurableExecutionArn=arn)
    service.pause_durable_execution(DurableExecutionArn=arn, Reason="maintenance")
    assert service.get_durable_execution(DurableExecutionArn=arn)["Status"] == "PAUSED"
    service.resume_durable_execution(DurableExecutionArn=arn)
    assert service.get_durable_execution(DurableExecutionArn=arn)["Status"] == "RUNNING"
    stopped = service.stop_durable_execution(DurableExecutionArn=arn, Error={"ErrorMessage": "enough"})
    assert stopped["StopTimestamp"]
    described = service.get_durable_execution(DurableExecutionArn=arn)
    assert described["Status"] == "STOPPED" and described["Error"] == {"ErrorMessage": "enough"}
    types = [e["EventType"] for e in service.get_durable_execution_history(DurableExecutionArn=arn)["Events"]]
    assert types[-3:] == ["ExecutionPaused", "ExecutionResumed", "ExecutionStopped"]
    service.delete_durable_execution(DurableExecutionArn=arn)
    with pytest.raises(ResourceNotFoundException):
        service.get_durable_execution(DurableExecutionArn=arn)


def test_invoke_resolves_qualifiers_and_deduplicates_by_execution_name() -> None:
    service = DurableService()
    service.register_function("fn", ScriptedInvoker(service, succeed("a")), version="3", aliases=("live",))
    response = service.invoke(FunctionName="fn:live", Payload=b'{"x": 1}', DurableExecutionName="order-1")
    assert response["StatusCode"] == 200 and response["ExecutedVersion"] == "3"
    assert json.loads(response["Payload"]) == "a"
    again = service.invoke(FunctionName="fn", Qualifier="live", Payload=b'{"x": 1}', DurableExecutionName="order-1")
    assert again["DurableExecutionArn"] == response["DurableExecutionArn"]
    with pytest.raises(DurableExecutionAlreadyStartedException):
        service.invoke(FunctionName="fn:live", Payload=b'{"x": 2}', DurableExecutionName="order-1")
    with pytest.raises(ResourceNotFoundException):
        service.invoke(FunctionName="fn:nope")
    with pytest.raises(InvalidParameterValueException):
        service.invoke(FunctionName="fn", Payload=b"{not json")
    # A durable function is invoked through a version or alias ($LATEST spelled out), by name or ARN.
    for unqualified in ("fn", "arn:aws:lambda:us-east-1:000000000000:function:fn"):
        with pytest.raises(InvalidParameterValueException, match="must be invoked with a qualified name"):
            service.invoke(FunctionName=unqualified, Payload=b"{}")
    listed = service.list_durable_executions_by_function(FunctionName="fn", Statuses=["SUCCEEDED"])
    assert [e["DurableExecutionName"] for e in listed["DurableExecutions"]] == ["order-1"]


def test_a_failing_invoker_is_retried_then_fails_the_execution_with_its_error() -> None:
    def crash(_service: DurableService, _event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("segfault")

    service = DurableService()
    arn, _ = start(service, crash, crash, crash)
    described = service.get_durable_execution(DurableExecutionArn=arn)
    assert described["Status"] == "FAILED"
    assert "segfault" in described["Error"]["ErrorMessage"]
    completed = [
        e for e in service.get_durable_execution_history(DurableExecutionArn=arn)["Events"]
        if e["EventType"] == "InvocationCompleted"
    ]
    assert len(completed) == 3 and all("Error" in e["InvocationCompletedDetails"] for e in completed)
    starts = [e["InvocationCompletedDetails"]["StartTimestamp"] for e in completed]
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(starts)]
    assert gaps[0] >= 5 and gaps[1] >= 10  # growing backoff, in virtual time


def test_pending_with_nothing_to_wait_for_fails_instead_of_hanging() -> None:
    def pending(_service: DurableService, _event: dict[str, Any]) -> dict[str, Any]:
        return {"Status": "PENDING"}

    service = DurableService()
    arn, _ = start(service, pending, pending, pending)
    described = service.get_durable_execution(DurableExecutionArn=arn)
    assert described["Status"] == "FAILED"
    assert "PENDING" in described["Error"]["ErrorMessage"]


def test_a_large_state_is_paged_into_the_invocation_and_fetched_by_the_sdk() -> None:
    from durable_mcp.engine.local import LocalEngine
    from durable_mcp.engine.python_invoker import PythonInvoker
    from tests.engine.handlers import flows

    engine = LocalEngine()
    python = PythonInvoker(flows.steps_then_wait, engine.service)
    events: list[dict[str, Any]] = []

    class Recording:
        def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
            events.append(event)
            return python.invoke(event, timeout_s=timeout_s)

    engine.register_function("paged", Recording())
    # 1,500 steps then a wait: the replay after the wait needs two pages of state.
    arn = engine.start(None, "1500", function_name="paged")
    result = engine.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", 1500)
    replay = events[-1]["InitialExecutionState"]
    assert len(replay["Operations"]) == 1000 and replay["NextMarker"] == "1000"
    # Had the SDK not fetched the second page, it would have re-run steps 1000+.
    assert [e["EventType"] for e in result.events].count("StepStarted") == 1500


def test_pause_during_an_invocation_revokes_the_token_at_the_next_checkpoint() -> None:
    def script(service: DurableService, event: dict[str, Any]) -> dict[str, Any]:
        service.pause_durable_execution(DurableExecutionArn=event["DurableExecutionArn"])
        assert service.get_durable_execution(DurableExecutionArn=event["DurableExecutionArn"])["Status"] == "PAUSING"
        response = checkpoint(service, event, step_update("a", "START"))
        assert "CheckpointToken" not in response  # the SDK ends the invocation with PENDING
        return {"Status": "PENDING"}

    service = DurableService()
    arn, _ = start(service, script, succeed("resumed"))
    assert service.get_durable_execution(DurableExecutionArn=arn)["Status"] == "PAUSED"
    service.resume_durable_execution(DurableExecutionArn=arn)
    service.drive(arn)
    assert service.get_durable_execution(DurableExecutionArn=arn)["Status"] == "SUCCEEDED"


def test_timers_fire_in_due_order_and_the_execution_timeout_never_drives_the_clock() -> None:
    from durable_mcp.engine.timers import TimerHeap, TimerKind

    heap = TimerHeap()
    heap.arm(30, "a", TimerKind.EXECUTION_TIMEOUT)
    heap.arm(20, "b", TimerKind.WAIT, "w")
    heap.arm(10, "a", TimerKind.RETRY, "r")
    assert heap.next_due({"a"}, skip_kinds=frozenset({TimerKind.EXECUTION_TIMEOUT})) == 10
    assert heap.next_due({"b"}) == 20
    assert [t.kind for t in heap.pop_due(25)] == [TimerKind.RETRY, TimerKind.WAIT]
    assert heap.next_due(None, skip_kinds=frozenset({TimerKind.EXECUTION_TIMEOUT})) is None


def test_a_replay_omits_the_children_of_completed_contexts() -> None:
    from durable_mcp.engine.local import LocalEngine
    from durable_mcp.engine.python_invoker import PythonInvoker
    from tests.engine.handlers import flows

    engine = LocalEngine()
    python = PythonInvoker(flows.map_then_wait, engine.service)
    events: list[dict[str, Any]] = []

    class Recording:
        def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
            events.append(event)
            return python.invoke(event, timeout_s=timeout_s)

    engine.register_function("mapped", Recording())
    arn = engine.start(None, "null", function_name="mapped")
    assert engine.result(arn).result == [2, 4, 6]
    replayed = events[-1]["InitialExecutionState"]["Operations"]
    assert [(op["Type"], op.get("SubType")) for op in replayed] == [
        ("EXECUTION", None), ("CONTEXT", "Map"), ("WAIT", "Wait"),
    ]


def test_input_payload_limits() -> None:
    from durable_mcp.engine.errors import RequestTooLargeException

    service = DurableService()
    service.register_function("fn", ScriptedInvoker(service))
    with pytest.raises(RequestTooLargeException):
        service.start_execution("fn", '"' + "x" * (6 * 1024 * 1024) + '"')
    with pytest.raises(RequestTooLargeException):
        service.invoke(FunctionName="fn", Payload=b'"' + b"x" * (1024 * 1024) + b'"', InvocationType="Event")
    assert service.execution_arns() == []
