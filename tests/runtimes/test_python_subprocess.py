"""Python handlers in their own process: same history as in-process; crashes and hangs are contained."""

from __future__ import annotations

import json
import time

import pytest

from durable_mcp.engine.local import LocalEngine
from durable_mcp.runtimes.python_subprocess import PythonSubprocessInvoker
from durable_mcp.runtimes.refs import parse_handler_ref
from tests.runtimes.conftest import HANDLERS
from tests.runtimes.test_node_invoker import dry_run, python_run, shape


def test_isolated_python_handler_has_the_in_process_history() -> None:
    ref = parse_handler_ref(f"{HANDLERS / 'workflow.py'}:handler")
    with LocalEngine() as engine, PythonSubprocessInvoker(ref, service=engine.service) as isolated:
        result = dry_run(engine, isolated)
    expected = python_run()
    assert result.result == expected.result == {"total": 42, "answer": "approved"}
    assert shape(result.events) == shape(expected.events)


def test_a_crashing_handler_is_recorded_and_retried_and_the_engine_survives() -> None:
    ref = parse_handler_ref(f"{HANDLERS / 'unruly.py'}:handler")
    with LocalEngine() as engine, PythonSubprocessInvoker(ref, service=engine.service) as isolated:
        arn = engine.start(isolated, json.dumps({"mode": "crash"}), function_name="unruly")
        crashed = engine.result(arn)
        calm = engine.result(engine.start(isolated, json.dumps({"mode": "calm"}), function_name="unruly"))
    assert crashed.status == "FAILED"
    assert crashed.error and crashed.error["ErrorType"] == "Runtime.ExitError"
    invocations = [e for e in crashed.events if e["EventType"] == "InvocationCompleted"]
    assert len(invocations) == 3
    assert all("exited with status 3" in str(e["InvocationCompletedDetails"]["Error"]) for e in invocations)
    assert calm.status == "SUCCEEDED"
    assert calm.result == "calm"


@pytest.mark.slow
def test_a_hanging_handler_is_killed_at_the_invocation_timeout() -> None:
    ref = parse_handler_ref(f"{HANDLERS / 'unruly.py'}:handler")
    started = time.monotonic()
    with (
        LocalEngine(invocation_timeout_s=1.0) as engine,
        PythonSubprocessInvoker(ref, service=engine.service) as isolated,
    ):
        hung = engine.result(engine.start(isolated, json.dumps({"mode": "hang"}), function_name="unruly"))
    assert hung.status == "FAILED"
    assert hung.error and hung.error["ErrorType"] == "Sandbox.Timedout"
    assert time.monotonic() - started < 30


def test_step_stubs_replace_step_code_out_of_process() -> None:
    ref = parse_handler_ref(f"{HANDLERS / 'workflow.py'}:handler")
    with (
        LocalEngine() as engine,
        PythonSubprocessInvoker(ref, service=engine.service, stub_steps={"double": 7}) as isolated,
    ):
        result = dry_run(engine, isolated)
    assert result.result == {"total": 7, "answer": "approved"}


def test_isolated_handler_output_becomes_the_execution_log() -> None:
    ref = parse_handler_ref(f"{HANDLERS / 'workflow.py'}:handler")
    with (
        LocalEngine() as engine,
        PythonSubprocessInvoker(ref, service=engine.service, log_sink=engine.service.append_logs) as isolated,
    ):
        logs = engine.logs(dry_run(engine, isolated).execution_arn)
    assert sum("order of 21" in line for line in logs) == 3
