"""Benchmark: diagnosis, timeline and Mermaid chart of a 10,000-event history (target: < 1 s).

The history is Lambda-shaped (as GetDurableExecutionHistory returns it): steps with retries,
waits, callbacks and child contexts, ending in a failed step. As the named reference in the same
run we time the cheapest thing any tool must do with that history: decoding its JSON wire form
(``json.loads``), and print our cost as a ratio of it.

    python tools/bench_diagnosis.py [--events 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from durable_mcp.inspect.diagnose import diagnose
from durable_mcp.inspect.fold import fold_history
from durable_mcp.inspect.redact import redact
from durable_mcp.inspect.render import mermaid_gantt, timeline_lines

ARN = "arn:aws:lambda:us-east-1:123456789012:function:bench:1/durable-execution/bench/0001"


def build_history(target: int) -> list[dict[str, Any]]:
    clock = datetime(2026, 1, 1, tzinfo=UTC)
    events: list[dict[str, Any]] = []

    def add(event_type: str, details: dict[str, Any] | None = None, **fields: Any) -> None:
        nonlocal clock
        clock += timedelta(milliseconds=5)
        events.append(
            {
                "EventType": event_type,
                "EventId": len(events) + 1,
                "EventTimestamp": clock,
                f"{event_type}Details": details or {},
                **fields,
            }
        )

    add("ExecutionStarted", {"Input": {"Payload": '{"n": 1}'}, "ExecutionTimeout": 86400})
    index = 0
    while len(events) < target - 6:
        ctx = f"ctx-{index}"
        add("ContextStarted", Id=ctx, Name=f"batch-{index}", SubType="RunInChildContext")
        for offset in range(6):
            op = f"s-{index}-{offset}"
            common: dict[str, Any] = {"Id": op, "Name": f"item-{index}-{offset}", "SubType": "Step", "ParentId": ctx}
            add("StepStarted", **common)
            if offset == 0:
                error = {"Payload": {"ErrorType": "Transient", "ErrorMessage": "retry me"}}
                add(
                    "StepFailed",
                    {"Error": error, "RetryDetails": {"CurrentAttempt": 1, "NextAttemptDelaySeconds": 1}},
                    **common,
                )
                add("StepStarted", **common)
            add("StepSucceeded", {"Result": {"Payload": '"ok"'}, "RetryDetails": {"CurrentAttempt": 1}}, **common)
        add(
            "WaitStarted",
            {"Duration": 1, "ScheduledEndTimestamp": clock + timedelta(seconds=1)},
            Id=f"w-{index}",
            Name="pause",
            SubType="Wait",
            ParentId=ctx,
        )
        add("WaitSucceeded", {"Duration": 1}, Id=f"w-{index}", Name="pause", SubType="Wait", ParentId=ctx)
        add(
            "CallbackStarted",
            {"CallbackId": f"Y2Ik{index}", "Timeout": 60},
            Id=f"cb-{index}",
            Name="approve",
            SubType="Callback",
            ParentId=ctx,
        )
        add(
            "CallbackSucceeded",
            {"Result": {"Payload": "{}"}},
            Id=f"cb-{index}",
            Name="approve",
            SubType="Callback",
            ParentId=ctx,
        )
        add(
            "ContextSucceeded",
            {"Result": {"Payload": "[]"}},
            Id=ctx,
            Name=f"batch-{index}",
            SubType="RunInChildContext",
        )
        add("InvocationCompleted", {"StartTimestamp": clock, "EndTimestamp": clock, "RequestId": f"r{index}"})
        index += 1
    failing: dict[str, Any] = {"Id": "final", "Name": "charge", "SubType": "Step"}
    add("StepStarted", **failing)
    add(
        "StepFailed",
        {
            "Error": {"Payload": {"ErrorType": "Declined", "ErrorMessage": "card"}},
            "RetryDetails": {"CurrentAttempt": 1},
        },
        **failing,
    )
    add("ExecutionFailed", {"Error": {"Payload": {"ErrorType": "Declined", "ErrorMessage": "card"}}})
    return events


def best_of(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    events = build_history(args.events)
    wire = json.dumps(events, default=lambda value: value.isoformat())
    execution = {"DurableExecutionArn": ARN, "Status": "FAILED", "StartTimestamp": events[0]["EventTimestamp"]}

    reference = best_of(args.repeat, lambda: json.loads(wire))
    diagnosis_s = best_of(args.repeat, lambda: redact(diagnose(events, execution)))
    timeline_s = best_of(args.repeat, lambda: timeline_lines(fold_history(events)))
    mermaid_s = best_of(args.repeat, lambda: mermaid_gantt(fold_history(events)))
    result = diagnose(events, execution)

    print(f"history: {len(events)} events, {len(wire) / 1e6:.1f} MB as JSON; cause: {result.cause.value}")
    print(f"reference json.loads of the history: {reference * 1000:8.1f} ms")
    for name, seconds in (("diagnose+redact", diagnosis_s), ("timeline", timeline_s), ("mermaid", mermaid_s)):
        print(f"{name:>16}: {seconds * 1000:8.1f} ms  ({seconds / reference:.2f}x json.loads)")
    ok = diagnosis_s < 1.0 and result.cause.value == "step_failed"
    print("PASS: diagnosis under 1 s" if ok else "FAIL: diagnosis took 1 s or more (or wrong cause)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
