"""One code path, two targets: the AWS adapter pointed at the local durable endpoint with --endpoint-url.

A real engine serves real handlers over the Lambda REST paths; everything here goes through boto3.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from durable_mcp.aws import control
from durable_mcp.aws.invoke import invoke
from durable_mcp.aws.session import AwsClients, AwsSettings
from durable_mcp.endpoint.driver import BackgroundDriver
from durable_mcp.endpoint.server import serve
from durable_mcp.engine.python_invoker import PythonInvoker
from durable_mcp.engine.service import DurableService
from durable_mcp.errors import UserError
from durable_mcp.inspect.models import Cause
from durable_mcp.inspect.queries import diagnose_execution, get_execution, get_history, list_executions

HANDLERS = Path(__file__).parents[1] / "inspect" / "handlers.py"


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AwsClients]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    service = DurableService()
    for name in ("approval", "failed_step"):
        invoker = PythonInvoker(f"{HANDLERS}:{name}", service, function_name=name)
        service.register_function(name, invoker, version="1", aliases=("live",))
    with serve(service) as server, BackgroundDriver(service):
        yield AwsClients(AwsSettings(endpoint_url=server.url))
    service.close()


def eventually(check: Callable[[], Any], timeout_s: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)
    return value


def status(clients: AwsClients, arn: str) -> str:
    return get_execution(clients.lambda_client(), arn).status or ""


def test_invoke_by_alias_then_list_get_history_and_diagnose(clients):
    lam = clients.lambda_client()
    started = invoke(lam, "failed_step:live", {"card": "x"}, execution_name="order-1")
    arn = started.execution_arn
    assert arn and ":function:failed_step:1/durable-execution/order-1/" in arn
    eventually(lambda: status(clients, arn) == "FAILED")
    listed = list_executions(lam, "failed_step", qualifier="live", statuses=["FAILED"])
    assert [row.arn for row in listed.executions] == [arn]
    timeline = get_history(lam, arn, format="timeline").timeline
    assert any("STEP charge-card attempts=1 FAILED" in line for line in timeline)
    assert diagnose_execution(lam, arn).cause is Cause.STEP_FAILED


def test_callback_success_completes_a_waiting_execution(clients):
    lam = clients.lambda_client()
    arn = invoke(lam, "approval:live", {"timeout": 3600}).execution_arn
    diagnosis = eventually(lambda: (d := diagnose_execution(lam, arn)).pending and d)
    assert diagnosis.cause is Cause.WAITING_FOR_CALLBACK
    control.send_callback_success(lam, diagnosis.pending[0].callback_id, json.dumps("approved"))
    eventually(lambda: status(clients, arn) == "SUCCEEDED")
    assert get_execution(lam, arn).result is None  # not even requested without include_sensitive
    assert "approved" in (get_execution(lam, arn, include_sensitive=True).result or "")


def test_stop_ends_an_execution_and_diagnosis_says_so(clients):
    lam = clients.lambda_client()
    arn = invoke(lam, "approval:live", {}).execution_arn
    eventually(lambda: diagnose_execution(lam, arn).pending)
    stopped = control.stop_execution(lam, arn, "Cancelled", "no longer needed")
    assert status(clients, arn) == "STOPPED"
    assert stopped.action == "stop" and stopped.at == get_execution(lam, arn).ended_at  # the service's StopTimestamp
    assert diagnose_execution(lam, arn).cause is Cause.STOPPED


def test_unknown_execution_mentions_retention(clients):
    arn = "arn:aws:lambda:us-east-1:000000000000:function:approval:1/durable-execution/gone/0000"
    with pytest.raises(UserError, match="retention period"):
        get_execution(clients.lambda_client(), arn)


def test_unqualified_invoke_is_refused(clients):
    with pytest.raises(UserError, match="unqualified"):
        invoke(clients.lambda_client(), "approval", {})


def test_pause_and_resume(clients):
    lam = clients.lambda_client()
    arn = invoke(lam, "approval:live", {}).execution_arn
    eventually(lambda: diagnose_execution(lam, arn).pending)
    assert control.pause_execution(lam, arn, "maintenance").action == "pause"
    paused = eventually(lambda: (d := diagnose_execution(lam, arn)).cause is Cause.PAUSED and d)
    assert paused.status in {"PAUSING", "PAUSED"} and paused.pending[0].kind == "callback"
    control.resume_execution(lam, arn)
    assert eventually(lambda: diagnose_execution(lam, arn).cause is Cause.WAITING_FOR_CALLBACK)


def test_heartbeat_then_callback_failure_fails_the_waiting_execution(clients):
    lam = clients.lambda_client()
    arn = invoke(lam, "approval:live", {"timeout": 3600, "heartbeat": 600}).execution_arn
    callback_id = eventually(lambda: diagnose_execution(lam, arn).pending)[0].callback_id
    assert control.send_callback_heartbeat(lam, callback_id).target == callback_id
    control.send_callback_failure(lam, callback_id, "Rejected")
    eventually(lambda: status(clients, arn) == "FAILED")


def test_a_callback_that_already_timed_out_is_a_clear_error(clients):
    lam = clients.lambda_client()
    arn = invoke(lam, "approval:live", {"timeout": 1}).execution_arn
    callback_id = eventually(lambda: diagnose_execution(lam, arn).pending)[0].callback_id
    eventually(lambda: status(clients, arn) == "FAILED")
    with pytest.raises(UserError, match="CallbackTimeoutException"):
        control.send_callback_heartbeat(lam, callback_id)
