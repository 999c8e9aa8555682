"""Diagnosis names the right cause for each way an execution can fail or hang."""

from __future__ import annotations

from datetime import timedelta

import pytest

from durable_mcp.inspect.diagnose import diagnose
from durable_mcp.inspect.models import Cause
from tests.inspect import histories as h


def run(history: h.History, minutes_later: float = 1):
    execution, events = history.build()
    return diagnose(events, execution, now=history.now + timedelta(minutes=minutes_later))


def test_failed_step_is_the_cause_with_its_error_type_and_attempts():
    d = run(h.failed_step())
    assert d.cause is Cause.STEP_FAILED
    assert d.failing_operation is not None and d.failing_operation.name == "charge-card"
    assert "charge-card" in d.summary and "PaymentDeclined" in d.summary and "1 attempt" in d.summary
    assert d.retries == []


def test_the_advice_for_a_failed_step_depends_on_whether_it_was_retried():
    once = run(h.failed_step())
    assert any(step.startswith("The step was not retried") for step in once.next_steps), once.next_steps
    exhausted = (
        h.History()
        .step("s1", "charge-card", fail="Timeout", retry_in=2).tick(2)
        .step("s1", "charge-card", fail="Timeout", attempt=2, retry_in=4).tick(4)
        .step("s1", "charge-card", fail="Timeout", attempt=3)
        .finish("FAILED", "ExecutionFailed", "Timeout")
    )
    d = run(exhausted)
    assert "after 3 attempts" in d.summary
    assert any(step.startswith("The step used the 3 attempts its retry strategy allows") for step in d.next_steps)


def test_a_step_waiting_for_its_next_attempt_is_reported_with_the_time():
    d = run(h.retrying_step())
    assert d.cause is Cause.RETRY_SCHEDULED
    assert d.pending[0].kind == "retry"
    assert d.pending[0].until == h.T0 + timedelta(seconds=31)
    assert d.retries[0].attempts_used == 1 and d.retries[0].last_error_type == "TransientError"


def test_stuck_on_callback_names_the_callback_id_and_both_deadlines():
    d = run(h.stuck_on_callback())
    assert d.cause is Cause.WAITING_FOR_CALLBACK
    item = d.pending[0]
    assert item.callback_id == "Y2IxMjM="
    assert item.until == h.T0 + timedelta(hours=1)
    assert item.heartbeat_due_by == h.T0 + timedelta(seconds=60)
    assert "Y2IxMjM=" in d.summary and any("send_durable_callback" in s for s in d.next_steps)


def test_overdue_callback_is_flagged():
    d = run(h.stuck_on_callback(), minutes_later=120)
    assert d.pending[0].overdue
    assert any("past their deadline" in f for f in d.findings)


def test_heartbeat_timeout_is_told_apart_from_the_overall_timeout():
    d = run(h.callback_heartbeat_timeout())
    assert d.cause is Cause.CALLBACK_TIMED_OUT
    assert "no heartbeat arrived within 5.0s" in d.summary


def test_heartbeat_timeout_is_derived_from_timings_when_error_data_was_withheld():
    execution, events = h.callback_heartbeat_timeout().build()
    for event in events:
        event.get("CallbackTimedOutDetails", {}).pop("Error", None)
    d = diagnose(events, execution)
    assert "no heartbeat arrived" in d.summary


def test_waiting_on_a_timer_says_until_when():
    d = run(h.waiting())
    assert d.cause is Cause.WAITING_FOR_TIMER
    assert "2026-11-27T09:05:00Z" in d.summary


def test_timed_out_execution_lists_what_was_still_open():
    d = run(h.timed_out())
    assert d.cause is Cause.EXECUTION_TIMED_OUT
    assert "10.0m" in d.summary
    assert any("approval" in f for f in d.findings)


def test_non_determinism_points_at_the_validator():
    d = run(h.non_deterministic())
    assert d.cause is Cause.NON_DETERMINISTIC
    assert any("validator" in s for s in d.next_steps)


def test_chained_invoke_failure_points_at_the_child_execution():
    d = run(h.chained_invoke_failed())
    assert d.cause is Cause.CHAINED_INVOKE_FAILED
    assert "payments:live" in d.summary
    assert any("function:payments:1/durable-execution/pay-1" in s for s in d.next_steps)


def test_stopped_execution():
    assert run(h.stopped()).cause is Cause.STOPPED


def test_succeeded_execution_reports_the_retries_it_needed():
    d = run(h.succeeded_after_retry())
    assert d.cause is Cause.SUCCEEDED
    assert d.retries[0].attempts_used == 2
    assert any("2 attempt(s)" in f for f in d.findings)


def test_console_link_is_built_from_the_arn_and_absent_for_local_executions():
    d = run(h.failed_step())
    assert d.console_url == (
        "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1"
        "#/functions/orders/versions/3/executions/order-42/0f1e2d3c"
    )
    local = h.History(arn=h.LOCAL_ARN).step("s1", "a").invocation()
    execution, events = local.build()
    d = diagnose(events, execution)
    assert d.console_url is None and any("Local execution" in f for f in d.findings)


def test_crashed_invocations_are_mentioned():
    history = h.History().step("s1", "a").invocation(error={"ErrorType": "Sandbox.Timedout"}).invocation()
    d = run(history)
    assert any("Sandbox.Timedout" in f for f in d.findings)


@pytest.mark.parametrize(
    "builder",
    [
        h.failed_step,
        h.retrying_step,
        h.stuck_on_callback,
        h.callback_heartbeat_timeout,
        h.waiting,
        h.timed_out,
        h.non_deterministic,
        h.chained_invoke_failed,
        h.stopped,
        h.succeeded_after_retry,
    ],
)
def test_diagnosis_from_history_alone_matches_the_one_with_the_execution_record(builder):
    history = builder()
    execution, events = history.build()
    with_record = diagnose(events, execution, now=history.now)
    alone = diagnose(events, None, now=history.now)
    assert alone.cause is with_record.cause


def test_a_10000_event_history_is_diagnosed():
    # Its speed is measured by tools/bench_diagnosis.py; tests check behaviour, not wall-clock time.
    execution, events = h.long_history(5000).build()
    assert len(events) > 10_000
    d = diagnose(events, execution)
    assert d.cause is Cause.SUCCEEDED
    assert d.event_count == len(events)


def test_a_callback_that_timed_out_while_the_handler_was_not_running_is_named():
    history = h.stuck_on_callback().tick(60)
    history.add(
        "CallbackTimedOut",
        Id="cb1",
        Name="approval",
        SubType="Callback",
        Details={"Error": {"Payload": {"ErrorType": "Callback.Heartbeat"}}},
    )
    d = run(history)
    assert d.cause is Cause.IN_PROGRESS
    assert "callback 'approval' ended TIMED_OUT" in d.summary and "re-invoked" in d.summary
