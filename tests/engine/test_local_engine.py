"""LocalEngine running unmodified SDK handlers: every operation type, virtual time, failures."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from durable_mcp.engine.local import LocalEngine
from tests.engine.handlers import flows


def run(handler: Any, payload: Any = None, **engine_options: Any) -> tuple[LocalEngine, str]:
    engine = LocalEngine(**engine_options)
    arn = engine.start(handler, None if payload is None else json.dumps(payload))
    return engine, arn


def first(events: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    return next(e for e in events if e["EventType"] == event_type)


def shape(events: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(e["EventType"], e.get("Name")) for e in events]


def test_steps_record_started_and_succeeded_events_numbered_from_one() -> None:
    engine, arn = run(flows.steps, 2)
    result = engine.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", 2)
    assert shape(result.events) == [
        ("ExecutionStarted", result.events[0]["Name"]),
        ("StepStarted", "s0"),
        ("StepSucceeded", "s0"),
        ("StepStarted", "s1"),
        ("StepSucceeded", "s1"),
        ("InvocationCompleted", None),
        ("ExecutionSucceeded", result.events[0]["Name"]),
    ]
    assert [e["EventId"] for e in result.events] == list(range(1, 8))
    succeeded = result.events[2]
    assert succeeded["SubType"] == "Step"
    assert succeeded["StepSucceededDetails"] == {
        "Result": {"Payload": "0", "Truncated": False},
        "RetryDetails": {"CurrentAttempt": 1},
    }
    assert set(result.events[5]["InvocationCompletedDetails"]) == {"StartTimestamp", "EndTimestamp", "RequestId"}


def test_waits_skip_time_but_history_keeps_the_modelled_durations() -> None:
    began = time.monotonic()
    engine, arn = run(flows.waits, 3)
    assert time.monotonic() - began < 3
    events = engine.result(arn).events
    started = [e for e in events if e["EventType"] == "WaitStarted"]
    succeeded = [e for e in events if e["EventType"] == "WaitSucceeded"]
    assert len(started) == len(succeeded) == 3
    for start, end in zip(started, succeeded, strict=True):
        assert start["WaitStartedDetails"]["Duration"] == 1
        assert end["WaitSucceededDetails"] == {"Duration": 1}
        gap = (end["EventTimestamp"] - start["EventTimestamp"]).total_seconds()
        assert 1 <= gap < 1.5
    assert [e["EventType"] for e in events].count("InvocationCompleted") == 4


def test_real_time_runs_on_the_wall_clock() -> None:
    began = time.monotonic()
    engine, arn = run(flows.waits, 1, real_time=True)
    assert engine.result(arn).status == "SUCCEEDED"
    assert time.monotonic() - began >= 1


def test_step_retries_carry_retry_details_and_backoff() -> None:
    engine, arn = run(flows.flaky, "retry-details")
    result = engine.result(arn)
    assert result.status == "SUCCEEDED"
    steps = [e for e in result.events if e["EventType"].startswith("Step")]
    assert [e["EventType"] for e in steps] == ["StepStarted", "StepFailed"] * 2 + ["StepStarted", "StepSucceeded"]
    assert steps[1]["StepFailedDetails"]["RetryDetails"] == {"CurrentAttempt": 1, "NextAttemptDelaySeconds": 2}
    assert steps[3]["StepFailedDetails"]["RetryDetails"] == {"CurrentAttempt": 2, "NextAttemptDelaySeconds": 4}
    assert steps[5]["StepSucceededDetails"]["RetryDetails"] == {"CurrentAttempt": 3}
    assert steps[1]["StepFailedDetails"]["Error"]["Payload"]["ErrorType"] == "RuntimeError"
    gap = (steps[2]["EventTimestamp"] - steps[1]["EventTimestamp"]).total_seconds()
    assert 2 <= gap < 2.5


def test_callback_success_resumes_the_execution_with_the_raw_result() -> None:
    engine, arn = run(flows.approval, {"timeout": 60})
    assert engine.result(arn).status == "RUNNING"
    callback_id = engine.callback_id(arn, "approve")
    assert callback_id is not None
    (open_callback,) = engine.open_callbacks(arn)
    assert (open_callback.callback_id, open_callback.name, open_callback.timeout_seconds) == (
        callback_id, "approve", 60,
    )
    started = first(engine.history(arn), "CallbackStarted")
    assert started["CallbackStartedDetails"] == {"CallbackId": callback_id, "Timeout": 60}
    engine.send_callback_success(callback_id, b'{"approved": true}')
    result = engine.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", '{"approved": true}')
    assert [e["EventType"] for e in result.events][-4:] == [
        "InvocationCompleted", "CallbackSucceeded", "InvocationCompleted", "ExecutionSucceeded",
    ]


def test_callback_failure_surfaces_as_the_handlers_error() -> None:
    engine, arn = run(flows.approval, {})
    engine.send_callback_failure(engine.callback_id(arn) or "", "rejected", "RejectedError")
    result = engine.result(arn)
    assert result.status == "FAILED"
    failed = first(result.events, "CallbackFailed")
    expected = {"ErrorMessage": "rejected", "ErrorType": "RejectedError"}
    assert failed["CallbackFailedDetails"]["Error"]["Payload"] == expected


def test_callback_timeout_and_heartbeat_timeout_in_virtual_time() -> None:
    engine, arn = run(flows.approval, {"timeout": 5})
    engine.run_until_idle(arn)
    timed_out = first(engine.history(arn), "CallbackTimedOut")
    assert timed_out["CallbackTimedOutDetails"]["Error"]["Payload"]["ErrorType"] == "Callback.Timeout"
    assert engine.result(arn).status == "FAILED"

    engine, arn = run(flows.approval, {"timeout": 100, "heartbeat": 10})
    callback_id = engine.callback_id(arn) or ""
    engine.run_until_idle(arn, advance_seconds=8)
    engine.send_callback_heartbeat(callback_id)
    engine.run_until_idle(arn, advance_seconds=8)
    assert engine.result(arn).status == "RUNNING"  # 16 s in, but the heartbeat moved the deadline
    engine.run_until_idle(arn)
    timed_out = first(engine.history(arn), "CallbackTimedOut")
    assert timed_out["CallbackTimedOutDetails"]["Error"]["Payload"]["ErrorType"] == "Callback.Heartbeat"


def test_on_callback_answers_callbacks_when_they_start() -> None:
    engine = LocalEngine(on_callback={"approve": 'succeed:"ok"'})
    arn = engine.start(flows.approval, json.dumps({}))
    assert engine.result(arn).result == '"ok"'


def test_map_runs_items_as_child_contexts() -> None:
    engine, arn = run(flows.mapper, {"n": 3, "concurrency": 2})
    result = engine.result(arn)
    assert result.result == [0, 2, 4]
    contexts = [e for e in result.events if e["EventType"] == "ContextStarted"]
    assert [(e["SubType"], e.get("Name")) for e in contexts] == [
        ("Map", "map"), ("MapIteration", "map-item-0"), ("MapIteration", "map-item-1"), ("MapIteration", "map-item-2"),
    ]
    map_id = contexts[0]["Id"]
    assert all(e["ParentId"] == map_id for e in contexts[1:])


def test_parallel_with_min_successful_completes_early() -> None:
    engine, arn = run(flows.parallel_first, {})
    result = engine.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", ["fast"])
    parallel = [e for e in result.events if e.get("SubType") == "Parallel"]
    assert [e["EventType"] for e in parallel] == ["ContextStarted", "ContextSucceeded"]


def test_child_context_with_a_wait_inside() -> None:
    engine, arn = run(flows.child, {})
    result = engine.result(arn)
    assert result.result == 6
    inner = [e for e in result.events if e.get("Name") == "inner"]
    assert [e["EventType"] for e in inner] == ["ContextStarted", "ContextSucceeded"]
    wait = first(result.events, "WaitStarted")
    assert wait["ParentId"] == inner[0]["Id"]


def test_wait_for_condition_records_each_poll_state() -> None:
    engine, arn = run(flows.poll, 3)
    result = engine.result(arn)
    assert result.result == 3
    polls = [e for e in result.events if e["EventType"] == "StepSucceeded"]
    assert [e["StepSucceededDetails"]["Result"]["Payload"] for e in polls] == ["1", "2", "3"]
    assert polls[0]["SubType"] == "WaitForCondition"
    assert polls[0]["StepSucceededDetails"]["RetryDetails"]["NextAttemptDelaySeconds"] == 3


def test_wait_for_callback_nests_callback_and_submitter_under_a_context() -> None:
    engine, arn = run(flows.external, {})
    callback_id = engine.callback_id(arn, "ask")
    assert callback_id is not None
    assert any(callback_id in line for line in engine.logs(arn))
    engine.send_callback_success(callback_id, b'"yes"')
    result = engine.result(arn)
    assert result.result == '"yes"'
    context = [e for e in result.events if e.get("SubType") == "WaitForCallback"]
    assert [e["EventType"] for e in context] == ["ContextStarted", "ContextSucceeded"]
    assert all(
        e["ParentId"] == context[0]["Id"] for e in result.events if e["EventType"] in ("CallbackStarted", "StepStarted")
    )


def test_chained_invoke_runs_a_registered_function_as_its_own_execution() -> None:
    engine = LocalEngine()
    engine.register_function("echo", flows.echo, version="7", aliases=("live",))
    arn = engine.start(flows.caller, json.dumps({"target": "echo:live", "payload": {"x": 1}}))
    result = engine.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", {"x": 1})
    assert [e["EventType"] for e in result.events] == [
        "ExecutionStarted", "ChainedInvokeStarted", "InvocationCompleted",
        "ChainedInvokeSucceeded", "InvocationCompleted", "ExecutionSucceeded",
    ]
    details = result.events[1]["ChainedInvokeStartedDetails"]
    assert details["ExecutedVersion"] == "7"
    assert details["Input"]["Payload"] == '{"x": 1}'
    child = engine.result(details["DurableExecutionArn"])
    assert child.status == "SUCCEEDED"


def test_chained_invoke_of_an_unknown_function_fails_the_operation() -> None:
    engine, arn = run(flows.caller, {"target": "missing", "payload": 1})
    result = engine.result(arn)
    assert result.status == "FAILED"
    failed = first(result.events, "ChainedInvokeFailed")
    assert failed["ChainedInvokeFailedDetails"]["Error"]["Payload"]["ErrorType"] == "ResourceNotFoundException"


def test_chained_invoke_of_a_standard_function_calls_it_once_with_the_payload() -> None:
    engine = LocalEngine()
    engine.register_function("add", flows.add)  # no @durable_execution: a standard Lambda function
    arn = engine.start(flows.caller, json.dumps({"target": "add", "payload": {"a": 2, "b": 3}}))
    result = engine.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", {"sum": 5})
    assert [e["EventType"] for e in result.events] == [
        "ExecutionStarted", "ChainedInvokeStarted", "InvocationCompleted",
        "ChainedInvokeSucceeded", "InvocationCompleted", "ExecutionSucceeded",
    ]
    started = result.events[1]["ChainedInvokeStartedDetails"]
    assert "DurableExecutionArn" not in started  # it started no durable execution
    assert [e["DurableExecutionArn"] for e in engine.service.list_durable_executions_by_function(
        FunctionName="add")["DurableExecutions"]] == []

    failing = engine.start(flows.caller, json.dumps({"target": "add", "payload": {}}))
    failed = first(engine.result(failing).events, "ChainedInvokeFailed")
    error = failed["ChainedInvokeFailedDetails"]["Error"]["Payload"]
    assert error["ErrorType"] == "ValueError"
    trace = "".join(error["StackTrace"])  # starts in the user's function, not in durable-mcp
    assert "flows.py" in trace and "python_invoker" not in trace


def test_a_standard_function_has_no_durable_execution_to_start() -> None:
    from durable_mcp.engine.errors import InvalidParameterValueException

    engine = LocalEngine()
    engine.register_function("add", flows.add)
    with pytest.raises(InvalidParameterValueException, match="not a durable function"):
        engine.start(None, "{}", function_name="add")


@pytest.mark.parametrize(("stub", "status", "outcome"), [
    ({"receipt": "r-1"}, "SUCCEEDED", {"receipt": "r-1"}),
    ({"ErrorType": "PaymentDeclined", "ErrorMessage": "card"}, "FAILED", "PaymentDeclined"),
])
def test_stub_invokes_answer_a_chained_invoke_without_the_function(stub: Any, status: str, outcome: Any) -> None:
    engine = LocalEngine()
    engine.register_function("main", flows.caller, stub_invokes={"payments": stub})
    arn = engine.start(None, json.dumps({"target": "payments", "payload": {"amount": 5}}), function_name="main")
    result = engine.result(arn)
    assert result.status == status
    if status == "SUCCEEDED":
        assert result.result == outcome
    else:
        failed = first(result.events, "ChainedInvokeFailed")
        assert failed["ChainedInvokeFailedDetails"]["Error"]["Payload"]["ErrorType"] == outcome


def test_handler_exception_fails_the_execution_with_the_sdk_error() -> None:
    engine, arn = run(flows.boom, {})
    result = engine.result(arn)
    assert result.status == "FAILED"
    assert result.error is not None and result.error["ErrorType"] == "ValueError"
    assert result.error["ErrorMessage"] == "boom"


def test_unserialisable_result_fails_with_a_clear_error() -> None:
    engine, arn = run(flows.unserialisable, {})
    result = engine.result(arn)
    assert result.status == "FAILED"
    assert result.error is not None and "not JSON serializable" in result.error["ErrorMessage"]


def test_a_hanging_handler_times_out_like_lambda() -> None:
    engine, arn = run(flows.hang, 5, invocation_timeout_s=0.2)
    result = engine.result(arn)
    assert result.status == "FAILED"
    assert result.error == {"ErrorType": "Sandbox.Timedout", "ErrorMessage": "Task timed out after 0.20 seconds"}
    completed = [e for e in result.events if e["EventType"] == "InvocationCompleted"]
    assert completed and all(e["InvocationCompletedDetails"]["Error"]["Payload"] == result.error for e in completed)


def test_execution_timeout_in_virtual_time() -> None:
    engine = LocalEngine()
    arn = engine.start(flows.waits, "5", execution_timeout_s=3)
    result = engine.result(arn)
    assert (result.status, result.error) == ("TIMED_OUT", None)
    assert result.events[-1]["EventType"] == "ExecutionTimedOut"
    assert result.events[-1]["ExecutionTimedOutDetails"] == {}  # the service gives no error details
    elapsed = (result.events[-1]["EventTimestamp"] - result.events[0]["EventTimestamp"]).total_seconds()
    assert 3 <= elapsed < 3.5


@pytest.mark.parametrize(
    ("stub", "status", "receipt"),
    [("r-1", "SUCCEEDED", "r-1"), ({"ErrorType": "CardDeclined", "ErrorMessage": "no"}, "FAILED", None)],
)
def test_stub_steps_checkpoint_the_stub_without_running_the_step(stub: Any, status: str, receipt: Any) -> None:
    engine, arn = run(flows.charge, {}, stub_steps={"charge": stub})
    result = engine.result(arn)
    assert result.status == status
    charge = [e for e in result.events if e.get("Name") == "charge" and e["EventType"] != "StepStarted"]
    if receipt is not None:
        assert result.result == {"receipt": receipt, "after": "after"}
        assert charge[0]["StepSucceededDetails"]["Result"]["Payload"] == json.dumps(receipt)
    else:
        errors = [e["StepFailedDetails"]["Error"]["Payload"] for e in charge]
        assert errors[-1] == {"ErrorMessage": "no", "ErrorType": "CardDeclined"}
        assert "RetryDetails" in charge[-1]["StepFailedDetails"]


def test_handler_output_is_captured_per_execution() -> None:
    engine, arn = run(flows.external, {})
    lines = engine.logs(arn)
    assert lines[0].startswith("START RequestId: ")
    assert any(line.startswith("submitted ") for line in lines)
    assert any(line.startswith("END RequestId: ") for line in lines)


def test_breaking_determinism_fails_with_the_sdk_error() -> None:
    engine, arn = run(flows.nondeterministic, "determinism")
    result = engine.result(arn)
    assert result.status == "FAILED"
    assert result.error is not None
    assert result.error["ErrorType"].endswith("NonDeterministicExecutionError")


def test_flat_map_checkpoints_no_context_per_item() -> None:
    engine, arn = run(flows.flat_map, {})
    result = engine.result(arn)
    assert result.result == [2, 4, 6]
    assert not [e for e in result.events if e.get("SubType") == "MapIteration"]


def test_nested_parallel_with_waits_in_branches() -> None:
    engine, arn = run(flows.nested_parallel, {})
    result = engine.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", [[1, 2], 3])
    waits = [e for e in result.events if e["EventType"] == "WaitSucceeded"]
    assert sorted(e["WaitSucceededDetails"]["Duration"] for e in waits) == [1, 2, 3]


def test_result_size_limits_follow_the_service() -> None:
    limit = 6 * 1024 * 1024
    engine, arn = run(flows.big_result, limit - 20)  # checkpointed by the SDK as EXECUTION SUCCEED
    result = engine.result(arn)
    assert result.status == "SUCCEEDED" and len(result.result) == limit - 20
    engine, arn = run(flows.big_result, limit + 10)
    result = engine.result(arn)
    assert result.status == "FAILED" and result.error is not None
    assert "limit for EXECUTION is 6291456 bytes" in result.error["ErrorMessage"]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("\x00bad.py:handler", "Invalid handler path"),
        ("does_not_exist_module:handler", "Cannot import handler module"),
        ("no-colon-here", "must look like"),
        ("missing/file.py:handler", "Handler file not found"),
    ],
)
def test_bad_handler_references_are_user_errors(ref: str, message: str) -> None:
    from durable_mcp.errors import UserError

    with pytest.raises(UserError, match=message):
        LocalEngine().start(ref, None)
