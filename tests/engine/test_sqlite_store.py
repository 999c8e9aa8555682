"""The SQLite store: executions survive a restart, and a process killed mid-run resumes to the
same result and history as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from durable_mcp.engine.local import LocalEngine
from durable_mcp.engine.store.sqlite import SCHEMA_VERSION, SqliteStore
from durable_mcp.errors import UserError

HANDLERS = Path(__file__).parent / "handlers"
REPO = Path(__file__).resolve().parents[2]


def comparable(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Events without what legitimately differs between runs (times, request ids, names of runs)."""
    out = []
    for event in events:
        details = event.get(f"{event['EventType']}Details", {})
        if event["EventType"] in ("InvocationCompleted", "ExecutionStarted"):
            details = {k: v for k, v in details.items() if k in ("Error", "Input")}
        if event["EventType"] == "WaitStarted":
            details = {"Duration": details["Duration"]}
        out.append((event["EventId"], event["EventType"], event.get("SubType"), event.get("Id") if event[
            "EventType"] not in ("ExecutionStarted", "ExecutionSucceeded") else None, json.dumps(details, default=str)))
    return out


def test_an_execution_waiting_for_a_callback_survives_a_restart(tmp_path: Path) -> None:
    store = tmp_path / "executions.sqlite3"
    first = LocalEngine(store=store)
    arn = first.start(f"{HANDLERS / 'flows.py'}:approval", json.dumps({"timeout": 3600}))
    callback_id = first.callback_id(arn, "approve")
    before = first.history(arn)
    first.close()

    second = LocalEngine(store=store)
    assert second.history(arn) == before
    assert callback_id is not None
    second.send_callback_success(callback_id, b'"approved"')
    result = second.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", '"approved"')
    assert result.events[: len(before)] == before
    assert any(line.startswith("START RequestId") for line in second.logs(arn))
    second.close()


def test_an_execution_whose_function_this_process_does_not_know_waits_instead_of_failing(tmp_path: Path) -> None:
    # Registered as a callable, the function leaves no handler reference a later process could rebuild.
    from tests.engine.handlers.flows import approval

    store = tmp_path / "executions.sqlite3"
    first = LocalEngine(store=store)
    arn = first.start(approval, json.dumps({}), function_name="approvals")
    callback_id = first.callback_id(arn)
    first.close()
    assert callback_id is not None

    second = LocalEngine(store=store)
    second.send_callback_success(callback_id, b'"yes"')
    assert second.result(arn).status == "RUNNING"
    assert second.service.waiting_for_function(arn) == "approvals"
    note = second.waiting_note(arn)
    assert note is not None and "'approvals'" in note and "Nothing was lost" in note
    assert not any(e["EventType"] == "ExecutionFailed" for e in second.history(arn))
    second.close()

    third = LocalEngine(store=store)  # still owed its invocation after another restart
    third.run_until_idle()
    assert third.service.waiting_for_function(arn) == "approvals"
    third.register_function("approvals", approval)  # resumes what waited for it
    assert third.service.waiting_for_function(arn) is None
    assert third.waiting_note(arn) is None
    result = third.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", '"yes"')
    third.close()


def test_a_resumed_execution_keeps_its_invoke_stubs(tmp_path: Path) -> None:
    store = tmp_path / "executions.sqlite3"
    first = LocalEngine(store=store)
    first.register_function("main", f"{HANDLERS / 'flows.py'}:approve_then_call",
                            stub_invokes={"payments": {"receipt": "stubbed"}})
    arn = first.start(None, json.dumps({"target": "payments", "payload": {"amount": 5}}), function_name="main")
    callback_id = first.callback_id(arn)
    first.close()
    assert callback_id is not None

    # Another process: "payments" is registered nowhere, and the stub stored with the execution answers.
    second = LocalEngine(store=store)
    second.send_callback_success(callback_id, b'"ok"')
    result = second.result(arn)
    assert (result.status, result.result) == ("SUCCEEDED", {"receipt": "stubbed"})
    second.close()


def test_sqlite_uses_wal_and_appends_events(tmp_path: Path) -> None:
    store = tmp_path / "e.sqlite3"
    engine = LocalEngine(store=store)
    arn = engine.start(f"{HANDLERS / 'flows.py'}:steps", "3")
    engine.close()
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    ids = [row[0] for row in db.execute("SELECT event_id FROM events WHERE arn=? ORDER BY rowid", (arn,))]
    assert ids == list(range(1, len(ids) + 1))


_CHILD = """
import sys
from durable_mcp.engine.local import LocalEngine
engine = LocalEngine(store=sys.argv[1])
engine.start(sys.argv[2], "200", execution_name="crash-run")
"""


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_gives_the_uninterrupted_result_and_history(tmp_path: Path) -> None:
    ref = f"{HANDLERS / 'crash.py'}:handler"
    reference = LocalEngine()
    expected = reference.result(reference.start(ref, "200", execution_name="crash-run"))

    store = tmp_path / "crash.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(store), ref], cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        count = 0
        while time.monotonic() < deadline and count < 150:
            time.sleep(0.02)
            if store.exists():
                try:
                    with sqlite3.connect(store, timeout=1) as db:
                        count = db.execute("SELECT count(*) FROM events").fetchone()[0]
                except sqlite3.OperationalError:
                    continue
        assert child.poll() is None, "the run ended before it could be interrupted"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()

    resumed = LocalEngine(store=store)
    (arn,) = [a for a in resumed.service.execution_arns() if "/crash-run/" in a]
    assert resumed.result(arn).status == "RUNNING"
    resumed.run_until_idle()
    actual = resumed.result(arn)
    assert (actual.status, actual.result) == ("SUCCEEDED", expected.result)
    assert comparable(actual.events) == comparable(expected.events)
    resumed.close()


def test_a_handler_that_no_longer_imports_fails_the_execution_not_the_engine(tmp_path: Path) -> None:
    handler = tmp_path / "gone.py"
    handler.write_text((HANDLERS / "flows.py").read_text())
    store = tmp_path / "s.sqlite3"
    first = LocalEngine(store=store)
    arn = first.start(f"{handler}:approval", json.dumps({}))
    callback_id = first.callback_id(arn)
    first.close()
    handler.write_text("raise ImportError('broken on purpose')\n")
    assert callback_id is not None

    # A new process, as when a callback arrives long after the run that started the execution.
    command = [sys.executable, "-m", "durable_mcp", "callback", "succeed", callback_id, "--result", '"late"',
               "--store", str(store), "--format", "json"]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["status"] == "FAILED"
    assert document["error"]["ErrorType"] == "Runtime.ImportModuleError"
    assert "broken on purpose" in document["error"]["ErrorMessage"]


def test_two_processes_on_one_store_cannot_overwrite_each_other(tmp_path: Path) -> None:
    from durable_mcp.engine.errors import ResourceConflictException

    store = tmp_path / "shared.sqlite3"
    mine = LocalEngine(store=store)
    arn = mine.start(f"{HANDLERS / 'flows.py'}:approval", json.dumps({}))
    callback_id = mine.callback_id(arn)
    assert callback_id is not None

    theirs = LocalEngine(store=store)  # e.g. the CLI while the server runs
    theirs.send_callback_success(callback_id, b'"from them"')
    assert theirs.result(arn).status == "SUCCEEDED"

    # Our stale copy still shows the callback open; acting on it must not clobber their result.
    with pytest.raises(ResourceConflictException):
        mine.service.send_durable_execution_callback_failure(CallbackId=callback_id, Error={"ErrorMessage": "late"})
    assert mine.result(arn).result == '"from them"'  # reloaded from the store


def test_ended_executions_are_purged_after_their_retention_period(tmp_path: Path) -> None:
    from durable_mcp.engine.errors import ResourceNotFoundException

    store = tmp_path / "retention.sqlite3"
    engine = LocalEngine(store=store)
    engine.register_function("short", f"{HANDLERS / 'flows.py'}:steps", retention_days=1)
    ended = engine.start(None, "1", function_name="short")
    waiting = engine.start(f"{HANDLERS / 'flows.py'}:approval", json.dumps({}), function_name="open")
    engine.service.clock.advance_to(engine.service.clock.time() + 2 * 86_400)
    engine.service.store.save_clock_offset(engine.service.clock.offset)
    engine.close()

    later = LocalEngine(store=store)
    with pytest.raises(ResourceNotFoundException):
        later.service.get_durable_execution(DurableExecutionArn=ended)
    assert later.result(waiting).status == "RUNNING"  # running executions are never purged
    later.close()


def test_a_file_that_is_not_a_store_is_refused_with_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 100)

    with pytest.raises(UserError, match=r"cannot be used: SQLite says file is not a database\. .*pass --store"):
        SqliteStore(path)

    assert path.read_text().startswith("these are my notes")  # left as it was


def test_a_store_from_a_newer_durable_mcp_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")

    with pytest.raises(UserError, match="written by a newer durable-mcp"):
        SqliteStore(path)


def test_a_store_that_cannot_be_created_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")

    with pytest.raises(UserError, match=r"cannot be created: .*Pass --store with a writable path"):
        SqliteStore(blocker / "store.sqlite3")
