"""Lambda-shaped histories built the way the conformance requirements show them.

Each builder returns ``(execution, events)``: a ``GetDurableExecution`` response and the
``GetDurableExecutionHistory`` events, with payloads that tests can look for after redaction.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders:3/durable-execution/order-42/0f1e2d3c"
LOCAL_ARN = "arn:aws:lambda:us-east-1:000000000000:function:orders:$LATEST/durable-execution/order-7/abc123"
T0 = datetime(2026, 11, 27, 9, 0, 0, tzinfo=UTC)
SECRET = "4111-1111-1111-1111"  # card number planted in every payload


class History:
    def __init__(self, arn: str = ARN, timeout: int = 86400) -> None:
        self.arn = arn
        self.now = T0
        self.events: list[dict[str, Any]] = []
        self.status = "RUNNING"
        self.end: datetime | None = None
        self.error: dict[str, Any] | None = None
        self.add(
            "ExecutionStarted",
            Id="exec",
            Name="order-42",
            Details={"Input": {"Payload": f'{{"card": "{SECRET}"}}'}, "ExecutionTimeout": timeout},
        )

    def tick(self, seconds: float) -> History:
        self.now += timedelta(seconds=seconds)
        return self

    def add(self, event_type: str, Details: dict[str, Any] | None = None, **fields: Any) -> History:
        event = {
            "EventType": event_type,
            "EventId": len(self.events) + 1,
            "EventTimestamp": self.now,
            **fields,
        }
        event[f"{event_type}Details"] = Details if Details is not None else {}
        self.events.append(event)
        return self

    def invocation(self, error: dict[str, Any] | None = None) -> History:
        details: dict[str, Any] = {
            "StartTimestamp": self.now - timedelta(seconds=1),
            "EndTimestamp": self.now,
            "RequestId": f"req-{len(self.events)}",
        }
        if error:
            details["Error"] = {"Payload": error}
        return self.add("InvocationCompleted", Details=details)

    def step(
        self,
        op_id: str,
        name: str,
        *,
        fail: str | None = None,
        attempt: int = 1,
        retry_in: int | None = None,
        parent: str | None = None,
    ) -> History:
        common = {"Id": op_id, "Name": name, "SubType": "Step", **({"ParentId": parent} if parent else {})}
        self.add("StepStarted", **common).tick(1)
        retry: dict[str, Any] = {"CurrentAttempt": attempt}
        if fail is None:
            return self.add(
                "StepSucceeded",
                Details={"Result": {"Payload": f'"{SECRET}"'}, "RetryDetails": retry},
                **common,
            )
        if retry_in is not None:
            retry["NextAttemptDelaySeconds"] = retry_in
        return self.add("StepFailed", Details={"Error": {"Payload": error(fail)}, "RetryDetails": retry}, **common)

    def finish(self, status: str, event: str, err: str | None = None) -> History:
        self.status = status
        self.end = self.now
        if err is not None:
            self.error = error(err)
            return self.add(event, Details={"Error": {"Payload": self.error}})
        return self.add(event, Details={"Result": {"Payload": f'"{SECRET}"'}})

    def execution(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "DurableExecutionArn": self.arn,
            "DurableExecutionName": "order-42",
            "FunctionArn": self.arn.split("/")[0],
            "Status": self.status,
            "StartTimestamp": T0,
            "InputPayload": f'{{"card": "{SECRET}"}}',
            "Version": "3",
        }
        if self.end:
            out["EndTimestamp"] = self.end
        if self.error:
            out["Error"] = self.error
        return out

    def build(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return self.execution(), self.events


def error(error_type: str) -> dict[str, Any]:
    return {
        "ErrorType": error_type,
        "ErrorMessage": f"card {SECRET} declined",
        "ErrorData": f'{{"card": "{SECRET}"}}',
        "StackTrace": [f"File handler.py, card={SECRET}"],
    }


def failed_step() -> History:
    return (
        History()
        .step("s1", "validate")
        .invocation()
        .step("s2", "charge-card", fail="PaymentDeclined")
        .tick(1)
        .finish("FAILED", "ExecutionFailed", "PaymentDeclined")
    )


def retrying_step() -> History:
    return History().step("s1", "charge-card", fail="TransientError", retry_in=30).invocation()


def succeeded_after_retry() -> History:
    h = History().step("s1", "charge-card", fail="TransientError", retry_in=2).invocation().tick(2)
    return h.step("s1", "charge-card", attempt=2).invocation().finish("SUCCEEDED", "ExecutionSucceeded")


def stuck_on_callback() -> History:
    h = History().add(
        "CallbackStarted",
        Id="cb1",
        Name="approval",
        SubType="Callback",
        Details={"CallbackId": "Y2IxMjM=", "Timeout": 3600, "HeartbeatTimeout": 60},
    )
    return h.tick(1).invocation()


def callback_heartbeat_timeout() -> History:
    h = History().add(
        "CallbackStarted",
        Id="cb1",
        Name="approval",
        SubType="Callback",
        Details={"CallbackId": "Y2IxMjM=", "Timeout": 3600, "HeartbeatTimeout": 5},
    )
    h.tick(1).invocation().tick(5)
    h.add(
        "CallbackTimedOut",
        Id="cb1",
        Name="approval",
        SubType="Callback",
        Details={"Error": {"Payload": {"ErrorType": "Callback.Heartbeat", "ErrorMessage": "no heartbeat"}}},
    )
    return h.invocation().finish("FAILED", "ExecutionFailed", "CallbackTimeoutError")


def waiting() -> History:
    h = History().add(
        "WaitStarted",
        Id="w1",
        Name="cool-off",
        SubType="Wait",
        Details={"Duration": 300, "ScheduledEndTimestamp": T0 + timedelta(seconds=300)},
    )
    return h.invocation()


def timed_out() -> History:
    h = History(timeout=600).add(
        "CallbackStarted",
        Id="cb1",
        Name="approval",
        SubType="Callback",
        Details={"CallbackId": "Y2IxMjM=", "Timeout": 0},
    )
    h.invocation().tick(600)
    h.status, h.end = "TIMED_OUT", h.now
    return h.add("ExecutionTimedOut", Details={})


def non_deterministic() -> History:
    h = History().step("s1", "reserve").invocation().tick(10)
    return h.finish("FAILED", "ExecutionFailed", "NonDeterministicExecutionError")


def chained_invoke_failed() -> History:
    child = "arn:aws:lambda:us-east-1:123456789012:function:payments:1/durable-execution/pay-1/9a8b7c"
    h = History().add(
        "ChainedInvokeStarted",
        Id="ci1",
        Name="pay",
        Details={
            "FunctionName": "payments:live",
            "Input": {"Payload": f'"{SECRET}"'},
            "DurableExecutionArn": child,
        },
    )
    h.invocation().tick(3).add(
        "ChainedInvokeFailed", Id="ci1", Name="pay", Details={"Error": {"Payload": error("InvokeError")}}
    )
    return h.invocation().finish("FAILED", "ExecutionFailed", "InvokeError")


def stopped() -> History:
    return History().step("s1", "a").invocation().tick(5).finish("STOPPED", "ExecutionStopped", "Stopped")


def long_history(steps: int) -> History:
    """A succeeded execution with ``steps`` steps (two events each) inside one child context."""
    h = History().add("ContextStarted", Id="ctx", Name="batch", SubType="RunInChildContext")
    for index in range(steps):
        h.step(f"s{index}", f"item-{index}", parent="ctx")
    h.add(
        "ContextSucceeded",
        Id="ctx",
        Name="batch",
        SubType="RunInChildContext",
        Details={"Result": {"Payload": "[]"}},
    )
    return h.invocation().finish("SUCCEEDED", "ExecutionSucceeded")
