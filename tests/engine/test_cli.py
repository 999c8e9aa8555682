"""``durable-mcp run`` and ``durable-mcp callback``, run as a user would (a real subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HANDLERS = Path(__file__).parent / "handlers" / "flows.py"
REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "durable_mcp", *args]
    return subprocess.run(command, check=False, capture_output=True, text=True, cwd=cwd, timeout=120)


def test_run_prints_one_json_document_and_exits_0_on_success() -> None:
    done = cli("run", f"{HANDLERS}:steps", "--input", "3", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == {"execution_arn", "status", "result", "error", "events"}
    assert (document["status"], document["result"], document["error"]) == ("SUCCEEDED", 6, None)
    assert document["events"][0]["EventType"] == "ExecutionStarted"
    assert document["events"][0]["EventTimestamp"].endswith("Z")


def test_run_timeline_reports_a_failing_handler_and_exits_1() -> None:
    done = cli("run", f"{HANDLERS}:boom")
    assert done.returncode == 1
    assert "Status:    FAILED" in done.stdout
    assert "Error:     ValueError: boom" in done.stdout
    assert "StepSucceeded" in done.stdout


def test_run_reports_a_hang_as_lambda_would() -> None:
    done = cli("run", f"{HANDLERS}:hang", "--input", "5", "--invocation-timeout", "0.3", "--format", "json")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["error"] == {"ErrorType": "Sandbox.Timedout", "ErrorMessage": "Task timed out after 0.30 seconds"}


def test_usage_errors_exit_2_with_a_message() -> None:
    bad_input = cli("run", f"{HANDLERS}:steps", "--input", "{nope")
    assert bad_input.returncode == 2 and "--input is not valid JSON" in bad_input.stderr
    missing = cli("run", "does/not/exist.py:handler")
    assert missing.returncode == 2 and "not found" in missing.stderr
    bad_stub = cli("run", f"{HANDLERS}:charge", "--stub", "charge")
    assert bad_stub.returncode == 2 and "NAME=VALUE" in bad_stub.stderr


def test_stubs_and_automatic_callback_answers() -> None:
    done = cli(
        "run", f"{HANDLERS}:charge", "--stub", 'charge="r-9"', "--format", "json",
    )
    assert json.loads(done.stdout)["result"] == {"receipt": "r-9", "after": "after"}
    waiting = cli("run", f"{HANDLERS}:approval", "--input", "{}")
    assert waiting.returncode == 0 and "Waiting:   callback 'approve' id " in waiting.stdout
    answered = cli("run", f"{HANDLERS}:approval", "--input", "{}", "--on-callback", "approve=fail:nope")
    assert answered.returncode == 1 and "nope" in answered.stdout


def test_a_waiting_run_resumes_from_the_store_with_the_callback_command(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    waiting = cli("run", f"{HANDLERS}:approval", "--input", "{}", "--store", str(store), "--format", "json")
    assert waiting.returncode == 0
    document = json.loads(waiting.stdout)
    assert document["status"] == "RUNNING"
    (started,) = [e for e in document["events"] if e["EventType"] == "CallbackStarted"]
    callback_id = started["CallbackStartedDetails"]["CallbackId"]

    done = cli(
        "callback", "succeed", callback_id, "--result", '{"ok": true}', "--store", str(store), "--format", "json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    finished = json.loads(done.stdout)
    assert (finished["status"], finished["result"]) == ("SUCCEEDED", '{"ok": true}')
    again = cli("callback", "succeed", callback_id, "--store", str(store))
    assert again.returncode == 2 and "no longer open" in again.stderr


def test_the_callback_command_resumes_with_the_stubs_the_run_was_given(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    waiting = cli("run", f"{HANDLERS}:approve_then_charge", "--stub", 'charge="r-7"', "--store", str(store),
                  "--format", "json")
    (started,) = [e for e in json.loads(waiting.stdout)["events"] if e["EventType"] == "CallbackStarted"]

    done = cli("callback", "succeed", started["CallbackStartedDetails"]["CallbackId"], "--result", '"yes"',
               "--store", str(store), "--format", "json")

    assert done.returncode == 0, done.stderr
    # The charge step after the callback ran as the stub said, in this new process too (the Python SDK
    # hands the callback's result over as the raw text it was sent as).
    assert json.loads(done.stdout)["result"] == {"decision": '"yes"', "receipt": "r-7"}


@pytest.mark.node
def test_run_and_callback_drive_a_javascript_handler_under_node(tmp_path: Path) -> None:
    from tests.support.node_toolchain import DURABLE_JS, link_node_modules

    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "tests" / "runtimes" / "handlers" / "workflow.mjs", project / "workflow.mjs")
    link_node_modules(project, DURABLE_JS)
    store = tmp_path / "store.sqlite3"
    ref = f"{project / 'workflow.mjs'}:handler"

    waiting = cli("run", ref, "--input", '{"amount": 21}', "--store", str(store), "--format", "json")
    assert waiting.returncode == 0, waiting.stderr
    document = json.loads(waiting.stdout)
    assert document["status"] == "RUNNING"
    (started,) = [e for e in document["events"] if e["EventType"] == "CallbackStarted"]

    callback_id = started["CallbackStartedDetails"]["CallbackId"]
    # A new process: the Node invoker is rebuilt from the reference stored with the execution.
    done = cli("callback", "succeed", callback_id, "--result", "[1]", "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    finished = json.loads(done.stdout)
    assert (finished["status"], finished["result"]) == ("SUCCEEDED", {"total": 42, "answer": "[1]"})


def test_callback_for_an_execution_whose_function_is_unknown_says_it_waits_and_why(tmp_path: Path) -> None:
    from durable_mcp.engine.local import LocalEngine
    from tests.engine.handlers.flows import approval

    store = tmp_path / "s.sqlite3"
    engine = LocalEngine(store=store)  # a handler object: no reference stored for a later process
    arn = engine.start(approval, "{}", function_name="approvals")
    callback_id = engine.callback_id(arn)
    engine.close()
    assert callback_id is not None

    done = cli("callback", "succeed", callback_id, "--result", '"ok"', "--store", str(store))

    assert done.returncode == 0, done.stderr
    assert "Status:    RUNNING" in done.stdout
    assert "Waiting:   The execution is owed an invocation, but its function 'approvals'" in done.stdout


def test_run_answers_a_chained_invoke_with_a_stub() -> None:
    payload = json.dumps({"target": "payments", "payload": {"amount": 5}})
    done = cli("run", f"{HANDLERS}:caller", "--input", payload, "--format", "json",
               "--stub-invoke", 'payments={"receipt": "r-1"}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == {"receipt": "r-1"}
    refused = cli("run", f"{HANDLERS}:caller", "--input", payload, "--stub-invoke", "payments={not json")
    assert refused.returncode == 2 and "--stub-invoke payments" in refused.stderr


def test_run_lists_open_callbacks_or_lets_them_time_out() -> None:
    waiting = cli("run", f"{HANDLERS}:approval", "--input", '{"timeout": 30}', "--format", "json")
    assert waiting.returncode == 0, waiting.stderr
    document = json.loads(waiting.stdout)
    assert document["status"] == "RUNNING"
    assert [c["name"] for c in document["open_callbacks"]] == ["approve"]

    timed_out = cli("run", f"{HANDLERS}:approval", "--input", '{"timeout": 30}', "--format", "json",
                    "--let-callbacks-time-out")
    document = json.loads(timed_out.stdout)
    assert document["status"] == "FAILED"
    assert "CallbackTimedOut" in [e["EventType"] for e in document["events"]]
    assert "open_callbacks" not in document
