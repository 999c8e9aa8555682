"""The harness itself: it must reject wrong handlers and answer callbacks like the official runner.

These requirements are written inline, so they run without the shared conformance folder.
"""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration

from tests.conformance.harness import run_requirement

NAMED_STEP: dict[str, Any] = {
    "Variables": {"WHO": "${GEN_STR:6}"},
    "Input": "${WHO}",
    "ExpectedResult": {"ExecutionStatus": "SUCCEEDED", "Result": "Hello, ${WHO}!"},
    "ExpectedExecutionHistory": [
        {"EventType": "StepStarted", "EventId": 2, "Id": "${ID1}", "Name": "greeting"},
        {"EventType": "StepSucceeded", "EventId": 3, "Id": "${ID1}", "Name": "greeting"},
        {"EventType": "InvocationCompleted", "EventId": 4, "InvocationCompletedDetails": {}},
    ],
    "ExpectedLogs": [{"match": {"message": "/greeting ${WHO}/"}, "count": 1}],
}


def _greeter(step_name: str | None, template: str = "Hello, {}!") -> Any:
    @durable_execution
    def handler(event: Any, context: DurableContext) -> str:
        def body(ctx: StepContext) -> str:
            ctx.logger.info(f"greeting {event}")
            return template.format(event)

        return context.step(body, name=step_name)

    return handler


def test_a_handler_that_follows_the_requirement_passes() -> None:
    outcome = run_requirement(NAMED_STEP, _greeter("greeting"))
    assert outcome.problems == [], outcome.report()


def test_a_missing_step_name_is_reported() -> None:
    outcome = run_requirement(NAMED_STEP, _greeter(None))
    assert any(".Name: key missing" in problem for problem in outcome.problems)


def test_a_wrong_result_is_reported() -> None:
    outcome = run_requirement(NAMED_STEP, _greeter("greeting", "Bye, {}!"))
    assert any(problem.startswith("Result: expected 'Hello, ") for problem in outcome.problems)


def test_a_wrong_status_and_missing_logs_are_reported() -> None:
    @durable_execution
    def failing(event: Any, context: DurableContext) -> str:
        raise RuntimeError("not today")

    outcome = run_requirement(NAMED_STEP, failing)
    assert outcome.problems[0].startswith("status FAILED, expected SUCCEEDED")
    assert any(problem.startswith("log ") for problem in outcome.problems)


def _approval(timeout_seconds: int = 0, heartbeat_seconds: int = 0) -> Any:
    @durable_execution
    def handler(event: Any, context: DurableContext) -> str:
        config = CallbackConfig(timeout=Duration(timeout_seconds), heartbeat_timeout=Duration(heartbeat_seconds))
        return context.create_callback(name="approval", config=config).result()

    return handler


def _callback_requirement(actions: list[dict[str, Any]], status: str = "SUCCEEDED") -> dict[str, Any]:
    return {
        "Input": None,
        "CallbackActions": actions,
        "ExpectedResult": {"ExecutionStatus": status},
        "ExpectedExecutionHistory": [
            {"EventType": "CallbackStarted", "EventId": 2, "Id": "${CB}", "Name": "approval"},
        ],
    }


def _seconds_between(events: list[dict[str, Any]], first: str, second: str) -> float:
    stamps = {event["EventType"]: event["EventTimestamp"] for event in events}
    return float((stamps[second] - stamps[first]).total_seconds())


def test_callbacks_are_answered_by_name_after_their_delay_in_virtual_time() -> None:
    actions = [{"CallbackName": "approval", "Operation": "success", "Payload": {"ok": True}, "Delay": 30}]
    outcome = run_requirement(_callback_requirement(actions), _approval())
    assert outcome.problems == [], outcome.report()
    assert 30 <= _seconds_between(outcome.events, "CallbackStarted", "CallbackSucceeded") < 31


def test_an_action_for_another_name_leaves_the_callback_to_time_out() -> None:
    actions = [{"CallbackName": "other", "Operation": "success", "Payload": 1, "Delay": 1}]
    outcome = run_requirement(_callback_requirement(actions, status="FAILED"), _approval(timeout_seconds=5))
    assert outcome.problems == [], outcome.report()
    assert [e["EventType"] for e in outcome.events if e["EventType"].startswith("Callback")] == [
        "CallbackStarted",
        "CallbackTimedOut",
    ]


def test_a_heartbeat_keeps_the_callback_alive_for_the_next_action() -> None:
    actions = [
        {"CallbackName": "*", "Operation": "heartbeat", "Delay": 4},
        {"CallbackName": "${/^appr/}", "Operation": "failure", "Payload": {"ErrorType": "No"}, "Delay": 4},
    ]
    outcome = run_requirement(_callback_requirement(actions, status="FAILED"), _approval(heartbeat_seconds=5))
    assert outcome.problems == [], outcome.report()
    assert "CallbackFailed" in [event["EventType"] for event in outcome.events]


def test_an_answer_after_the_callback_timed_out_is_refused_and_noted() -> None:
    actions = [{"CallbackName": "approval", "Operation": "success", "Payload": "late", "Delay": 10}]
    outcome = run_requirement(_callback_requirement(actions, status="FAILED"), _approval(timeout_seconds=2))
    assert outcome.problems == [], outcome.report()
    assert len(outcome.rejected_answers) == 1
    assert outcome.rejected_answers[0].startswith("success for ")
