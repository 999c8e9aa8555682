"""Dry-runs, callbacks and inspection of local executions through a real client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from durable_mcp.server.app import build_server
from durable_mcp.server.policy import REDACTED
from durable_mcp.settings import Settings

HANDLERS = Path(__file__).parent / "handlers"


def server(tmp: Path, **flags: Any) -> Client:
    return Client(build_server(Settings(store=tmp / "store.sqlite3", **flags)), mode="legacy")


@pytest.mark.anyio
async def test_dry_run_waits_on_callback_then_finishes_after_answer(tmp_path: Path) -> None:
    progress: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(message or "")

    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        run = await c.call_tool("run_durable_function_locally",
                                {"handler": f"{HANDLERS / 'approval.py'}:handler", "input": {"order": "o-1"}},
                                progress_callback=on_progress)
        out = run.structured_content
        assert out["status"] == "RUNNING", out
        assert any(m.startswith("StepSucceeded load-order") for m in progress), progress
        diagnosis = (await c.call_tool("diagnose_durable_execution", {"execution_arn": out["execution_arn"]}))
        pending = diagnosis.structured_content["pending"]
        callback_id = next(p["callback_id"] for p in pending if p["kind"] == "callback")
        assert next(p["operation_name"] for p in pending if p["kind"] == "callback") == "approval"
        assert callback_id == out["pending_callbacks"][0]["callback_id"]
        assert out["pending_callbacks"][0]["name"] == "approval"  # the name its author gave, not the SDK's
        sent = await c.call_tool("send_durable_callback",
                                 {"callback_id": callback_id, "outcome": "succeed", "result": "approved"})
        assert sent.structured_content["execution_status"] == "SUCCEEDED", sent
        final = await c.call_tool("get_durable_execution", {"execution_arn": out["execution_arn"]})
        assert '"decision": "approved"' in final.structured_content["result"]
        assert "<untrusted-data" in final.structured_content["result"]
        history = await c.call_tool("get_durable_execution_history",
                                    {"execution_arn": out["execution_arn"], "format": "mermaid"})
        assert history.structured_content["mermaid"].startswith("gantt")
        logs = await c.call_tool("get_durable_execution_logs", {"execution_arn": out["execution_arn"]})
        assert any("order loaded" in (line["message"] or "") for line in logs.structured_content["lines"])


@pytest.mark.anyio
async def test_failing_step_is_diagnosed_and_payloads_stay_hidden(tmp_path: Path) -> None:
    async with server(tmp_path, allow_write=True) as c:
        run = await c.call_tool("run_durable_function_locally", {"handler": f"{HANDLERS / 'flaky.py'}:handler"})
        out = run.structured_content
        assert out["status"] == "FAILED"
        assert out["error_message"] == REDACTED
        diagnosis = await c.call_tool("diagnose_durable_execution", {"execution_arn": out["execution_arn"]})
        d = diagnosis.structured_content
        assert d["cause"] == "step_failed"
        assert d["retries"][0]["attempts_used"] == 3
        logs = await c.call_tool("get_durable_execution_logs", {"execution_arn": out["execution_arn"]})
        assert logs.is_error and "--allow-sensitive-data-access" in logs.content[0].text  # type: ignore[union-attr]
        assert "payment gateway" not in str(run.structured_content) + str(d)


@pytest.mark.anyio
async def test_stubbed_step_does_not_run(tmp_path: Path) -> None:
    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        run = await c.call_tool("run_durable_function_locally",
                                {"handler": f"{HANDLERS / 'flaky.py'}:handler", "stub_steps": {"charge": None}})
    out = run.structured_content
    assert out["status"] == "SUCCEEDED", out
    assert "paid" in out["result"]


@pytest.mark.anyio
async def test_determinism_check_finds_the_clock_read_on_a_read_only_server(tmp_path: Path) -> None:
    async with server(tmp_path) as c:
        result = await c.call_tool("check_replay_determinism",
                                   {"handler": f"{HANDLERS / 'clock_bug.py'}:handler", "interruptions": False})
    report = result.structured_content
    assert report["deterministic"] is False, report
    assert report["divergences"]
    assert "clock_bug.py" in str(report["divergences"][0])


@pytest.mark.anyio
async def test_an_unusable_store_is_a_tool_error_and_the_server_keeps_answering(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    store.write_text("not a database " * 100)

    async with Client(build_server(Settings(store=store, allow_write=True)), mode="legacy") as c:
        run = await c.call_tool("run_durable_function_locally",
                                {"handler": f"{HANDLERS / 'approval.py'}:handler", "input": {"order": "o-1"}})
        assert run.is_error
        assert f"The execution store {store} cannot be used" in run.content[0].text
        assert "pass --store with another path" in run.content[0].text
        assert len((await c.list_tools()).tools) > 10


@pytest.mark.node
@pytest.mark.slow
@pytest.mark.anyio
async def test_a_typescript_execution_waiting_for_approval_resumes_after_a_server_restart(tmp_path: Path) -> None:
    from tests.scaffold.projects import node_project

    project = node_project("typescript", "cdk", "human-approval", tmp_path)
    ref = f"{project / 'src' / 'index.ts'}:handler"
    request = {"request_id": "req-1", "requester": "alice", "amount": 250}
    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        run = (await c.call_tool("run_durable_function_locally", {"handler": ref, "input": request})).structured_content
        assert run["status"] == "RUNNING", run
        [pending] = run["pending_callbacks"]

    # A new server process on the same store: the execution, and the code to resume it with, are found again.
    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        sent = await c.call_tool("send_durable_callback", {"callback_id": pending["callback_id"], "outcome": "succeed",
                                                           "result": {"approved": True}})
        assert sent.structured_content["execution_status"] == "SUCCEEDED", sent
        final = await c.call_tool("get_durable_execution", {"execution_arn": run["execution_arn"]})
        assert '"status": "approved"' in final.structured_content["result"].replace('":"', '": "')


@pytest.mark.anyio
async def test_a_resume_after_a_server_restart_keeps_the_step_stubs(tmp_path: Path) -> None:
    ref = f"{HANDLERS / 'charge_after_approval.py'}:handler"
    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        run = (await c.call_tool("run_durable_function_locally", {
            "handler": ref, "stub_steps": {"charge-card": {"receipt": "stubbed"}},
        })).structured_content
        assert run["status"] == "RUNNING", run
        [pending] = run["pending_callbacks"]

    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        sent = await c.call_tool("send_durable_callback", {"callback_id": pending["callback_id"], "outcome": "succeed",
                                                           "result": "yes"})
        assert sent.structured_content["execution_status"] == "SUCCEEDED", sent
        final = await c.call_tool("get_durable_execution", {"execution_arn": run["execution_arn"]})
        assert '"receipt": "stubbed"' in final.structured_content["result"]


@pytest.mark.anyio
async def test_an_execution_stored_without_its_handler_waits_for_it_and_resumes_when_it_is_run_again(
        tmp_path: Path) -> None:
    import importlib.util

    from durable_mcp.engine.local import LocalEngine
    from durable_mcp.runtimes.refs import function_name_for

    # As an older durable-mcp (or the library with a handler object) left it: no handler reference stored.
    ref = f"{HANDLERS / 'approval.py'}:handler"
    spec = importlib.util.spec_from_file_location("approval_without_ref", HANDLERS / "approval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    library = LocalEngine(store=tmp_path / "store.sqlite3")
    arn = library.start(module.handler, '{"order": "o-9"}', function_name=function_name_for(ref))
    callback_id = library.callback_id(arn)
    library.close()
    assert callback_id is not None

    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        sent = (await c.call_tool("send_durable_callback", {"callback_id": callback_id, "outcome": "succeed",
                                                            "result": "approved"})).structured_content
        assert sent["execution_status"] == "RUNNING", sent
        assert "Nothing was lost" in sent["message"], sent
        diagnosis = (await c.call_tool("diagnose_durable_execution", {"execution_arn": arn})).structured_content
        assert "is not registered in this process" in diagnosis["findings"][0], diagnosis
        await c.call_tool("run_durable_function_locally", {"handler": ref, "input": {"order": "o-10"}})
        final = (await c.call_tool("get_durable_execution", {"execution_arn": arn})).structured_content
        assert final["status"] == "SUCCEEDED", final
        assert '"decision": "approved"' in final["result"]


@pytest.mark.anyio
async def test_a_chained_invoke_of_a_function_that_does_not_run_here_is_answered_by_a_stub(tmp_path: Path) -> None:
    ref = f"{HANDLERS / 'charge_remote.py'}:handler"
    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        missing = (await c.call_tool("run_durable_function_locally",
                                     {"handler": ref, "input": {"amount": 5}})).structured_content
        assert missing["status"] == "FAILED", missing
        diagnosis = (await c.call_tool("diagnose_durable_execution",
                                       {"execution_arn": missing["execution_arn"]})).structured_content
        assert diagnosis["cause"] == "chained_invoke_failed", diagnosis
        assert "stub_invokes" in diagnosis["next_steps"][0] and "payments" in diagnosis["next_steps"][0]

        stubbed = (await c.call_tool("run_durable_function_locally", {
            "handler": ref, "input": {"amount": 5}, "stub_invokes": {"payments": {"receipt": "r-1"}},
        })).structured_content
        assert stubbed["status"] == "SUCCEEDED", stubbed
        assert '"receipt": "r-1"' in stubbed["result"]


@pytest.mark.anyio
async def test_a_dry_run_can_let_an_unanswered_callback_time_out(tmp_path: Path) -> None:
    ref = f"{HANDLERS / 'approval.py'}:handler"  # its approval callback times out after an hour
    async with server(tmp_path, allow_write=True, allow_sensitive_data_access=True) as c:
        run = (await c.call_tool("run_durable_function_locally", {
            "handler": ref, "input": {"order": "o-2"}, "callbacks_time_out": True,
        })).structured_content
        assert run["status"] == "FAILED", run
        assert run["pending_callbacks"] == []
        history = (await c.call_tool("get_durable_execution_history",
                                     {"execution_arn": run["execution_arn"], "format": "events"})).structured_content
        assert "CallbackTimedOut" in [event["EventType"] for event in history["events"]]
