"""Diagnosis, rendering, paging and redaction on histories produced by the real local engine.

The engine's in-process ``DurableService`` is the Lambda-like client here: the same query code
that talks to boto3 reads it, which is how local executions are inspected.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from durable_mcp.aws.session import AwsClients
from durable_mcp.engine.local import LocalEngine
from durable_mcp.inspect.models import Cause
from durable_mcp.inspect.queries import diagnose_execution, execution_logs, get_execution, get_history
from tests.inspect import handlers as h


def start_and_pause(engine: LocalEngine, handler, payload: str = "{}") -> str:
    """Run only the first invocation, leaving timers (waits, retries) pending."""
    engine.register_function("fn", handler)
    arn = engine.service.start_execution("fn", payload).arn
    engine.service.drive(arn, advance_seconds=0)
    return arn


def run(
    engine: LocalEngine, handler, payload: dict | int | None = None, *, idle: bool = False, timeout_s: int | None = None
) -> str:
    engine.register_function("fn", handler, **({"execution_timeout_s": timeout_s} if timeout_s else {}))
    arn = engine.start(None, json.dumps(payload or {"card": h.SECRET}), function_name="fn")
    if idle:
        engine.run_until_idle(arn)
    return arn


SCENARIOS = {
    "failed": lambda e: run(e, h.failed_step),
    "retrying": lambda e: start_and_pause(e, h.retrying_step),
    "waiting": lambda e: start_and_pause(e, h.waiting),
    "callback": lambda e: run(e, h.approval, {"timeout": 3600, "heartbeat": 60}),
    "heartbeat": lambda e: run(e, h.approval, {"timeout": 3600, "heartbeat": 5}, idle=True),
    "timed_out": lambda e: run(e, h.slow, idle=True, timeout_s=600),
    "non_deterministic": lambda e: run(e, h.non_deterministic),
    "chained": lambda e: run(e, h.orchestrator),
}


@pytest.fixture(scope="module")
def executions() -> Iterator[dict[str, tuple[LocalEngine, str]]]:
    """One engine per scenario: the virtual clock is per engine, and one scenario's timers must not
    move another's."""
    out = {}
    for name, make in SCENARIOS.items():
        engine = LocalEngine()
        engine.register_function("payments", h.payments)
        out[name] = (engine, make(engine))
    yield out
    for engine, _ in out.values():
        engine.close()


def diagnose_scenario(executions, name: str):
    engine, arn = executions[name]
    return diagnose_execution(engine.service, arn)


EXPECTED = {
    "failed": Cause.STEP_FAILED,
    "retrying": Cause.RETRY_SCHEDULED,
    "waiting": Cause.WAITING_FOR_TIMER,
    "callback": Cause.WAITING_FOR_CALLBACK,
    "heartbeat": Cause.CALLBACK_TIMED_OUT,
    "timed_out": Cause.EXECUTION_TIMED_OUT,
    "non_deterministic": Cause.NON_DETERMINISTIC,
    "chained": Cause.CHAINED_INVOKE_FAILED,
}


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_each_failure_kind_gets_its_cause(executions, scenario):
    diagnosis = diagnose_scenario(executions, scenario)
    assert diagnosis.cause is EXPECTED[scenario], diagnosis.summary
    assert diagnosis.console_url is None  # local execution


def test_details_of_engine_diagnoses(executions):
    failed = diagnose_scenario(executions, "failed")
    assert failed.failing_operation.name == "charge-card" and "charge-card" in failed.summary
    engine, arn = executions["failed"]
    assert "PaymentDeclinedError" in diagnose_execution(engine.service, arn, include_sensitive=True).summary
    retry = diagnose_scenario(executions, "retrying")
    assert retry.pending[0].until - retry.pending[0].since >= timedelta(seconds=60)
    callback = diagnose_scenario(executions, "callback")
    engine, arn = executions["callback"]
    assert callback.pending[0].callback_id == engine.callback_id(arn)
    assert callback.pending[0].heartbeat_due_by - callback.pending[0].since == timedelta(seconds=60)
    assert "no heartbeat arrived within 5.0s" in diagnose_scenario(executions, "heartbeat").summary
    timed_out = diagnose_scenario(executions, "timed_out")
    assert any("long-wait" in finding for finding in timed_out.findings)
    chained = diagnose_scenario(executions, "chained")
    assert "payments:live" in chained.summary
    assert any("Child execution" in f and "step 'charge' ended FAILED" in f for f in chained.findings)


def test_no_payload_or_log_line_leaks_anywhere_with_redaction_on(executions):
    outputs = []
    for engine, arn in executions.values():
        clients = AwsClients(local=engine.service, local_logs=engine.logs)
        outputs.append(diagnose_execution(engine.service, arn))
        outputs.append(get_execution(engine.service, arn))
        outputs.extend(get_history(engine.service, arn, format=fmt) for fmt in ("events", "timeline", "mermaid"))
        outputs.append(execution_logs(clients, arn))
    dumped = "".join(output.model_dump_json() for output in outputs)
    assert h.SECRET not in dumped
    engine, arn = executions["failed"]
    assert h.SECRET in get_history(engine.service, arn, include_sensitive=True).model_dump_json()
    assert any(
        h.SECRET in (line.message or "")
        for line in execution_logs(AwsClients(local_logs=engine.logs), arn, include_sensitive=True).lines
    )


def test_a_history_of_more_than_1000_events_pages():
    with LocalEngine() as engine:
        arn = run(engine, h.many_steps, 520)
        first = get_history(engine.service, arn, all_pages=False, max_items=1000)
        assert first.event_count == 1000 and first.next_marker
        rest = get_history(engine.service, arn, all_pages=False, max_items=1000, marker=first.next_marker)
        whole = get_history(engine.service, arn, format="timeline")
        assert first.event_count + rest.event_count == whole.event_count > 1040
        assert len(whole.timeline) == 1 + 520
        chart = get_history(engine.service, arn, format="mermaid").mermaid
        assert chart.count(":done") == 520
