"""``durable-mcp history`` and ``durable-mcp diagnose`` on the local store and through an endpoint."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from durable_mcp.cli.main import main
from durable_mcp.endpoint.driver import BackgroundDriver
from durable_mcp.endpoint.server import serve
from durable_mcp.engine.local import LocalEngine
from tests.inspect import handlers as h


@pytest.fixture
def stored(tmp_path):
    store = tmp_path / "executions.sqlite"
    with LocalEngine(store=store) as engine:
        failed = engine.start(h.failed_step, json.dumps({"card": h.SECRET}), function_name="failed")
        waiting = engine.start(h.approval, json.dumps({"timeout": 3600}), function_name="approval")
    return store, failed, waiting


def test_diagnose_a_failed_local_execution(stored, capsys):
    store, failed, _ = stored
    assert main(["--store", str(store), "diagnose", failed]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAILED (step_failed): Execution failed: step 'charge-card' ended FAILED")
    assert "next steps:" in out and h.SECRET not in out


def test_diagnose_a_waiting_execution_as_json(stored, capsys):
    store, _, waiting = stored
    assert main(["--store", str(store), "diagnose", "--json", waiting]) == 0
    diagnosis = json.loads(capsys.readouterr().out)
    assert diagnosis["cause"] == "waiting_for_callback" and diagnosis["pending"][0]["callback_id"]


@pytest.mark.parametrize(("fmt", "start"), [("timeline", "execution FAILED"), ("mermaid", "gantt"), ("events", "[")])
def test_history_formats(stored, capsys, fmt, start):
    store, failed, _ = stored
    assert main(["--store", str(store), "history", "--format", fmt, failed]) == 0
    out = capsys.readouterr().out
    assert out.startswith(start) and h.SECRET not in out


def test_sensitive_data_only_with_the_gate(stored, capsys):
    store, failed, _ = stored
    main(["--store", str(store), "--allow-sensitive-data-access", "history", "--format", "events", failed])
    assert h.SECRET in capsys.readouterr().out


def test_history_through_the_endpoint(capsys, monkeypatch):
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with LocalEngine() as engine, serve(engine.service) as server, BackgroundDriver(engine.service):
        arn = engine.start(h.failed_step, "{}", function_name="failed")
        assert main(["--endpoint-url", server.url, "history", arn]) == 0
    assert "STEP charge-card attempts=1 FAILED" in capsys.readouterr().out


def test_a_bad_arn_is_a_usage_error():
    done = subprocess.run(
        [sys.executable, "-m", "durable_mcp", "diagnose", "not-an-arn"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "Not a durable execution ARN" in done.stderr
