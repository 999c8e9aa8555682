"""Scenario 2 (approve): a dry-run that waits on a human decision, the callback id found through diagnosis,
the answer sent, and the execution seen to finish."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.agent import Transcript, agent_session, confirming, server_params

REQUEST = {"request_id": "req-1", "requester": "alice", "amount": 250}


@pytest.mark.e2e
@pytest.mark.anyio
async def test_approve_a_waiting_dry_run_through_its_diagnosed_callback(
    workspace: Path, env: dict[str, str], tmp_path: Path
) -> None:
    transcript = Transcript("approve")
    params = server_params(workspace, env, "--allow-sensitive-data-access", "--store", str(tmp_path / "store.sqlite3"))
    async with agent_session(params, transcript, elicit=confirming(transcript)) as agent:
        project = workspace / "approvals"
        written = await agent.ok("scaffold_durable_function", name="approvals", output_dir=str(project),
                                 language="python", iac="sam", pattern="human-approval")
        assert written["status"] == "written", written
        handler = f"{project / 'src' / 'approvals' / 'handler.py'}:handler"

        run = await agent.ok("run_durable_function_locally", handler=handler, input=REQUEST)
        assert run["status"] == "RUNNING", run
        arn = run["execution_arn"]

        diagnosis = await agent.ok("diagnose_durable_execution", execution_arn=arn)
        assert diagnosis["cause"] == "waiting_for_callback", diagnosis
        callbacks = [p for p in diagnosis["pending"] if p["kind"] == "callback"]
        assert len(callbacks) == 1 and callbacks[0]["operation_name"].startswith("approval"), diagnosis["pending"]
        callback_id = callbacks[0]["callback_id"]
        assert callback_id == run["pending_callbacks"][0]["callback_id"]

        sent = await agent.ok("send_durable_callback", callback_id=callback_id, outcome="succeed",
                              result='{"approved": true}')
        assert sent["status"] == "done" and sent["local"] is True, sent
        assert sent["execution_status"] == "SUCCEEDED", sent

        final = await agent.ok("get_durable_execution", execution_arn=arn)
        assert final["status"] == "SUCCEEDED"
        assert '"status": "approved"' in final["result"], final["result"]
        history = await agent.ok("get_durable_execution_history", execution_arn=arn, format="timeline")
        assert any("approval" in line and "SUCCEEDED" in line for line in history["timeline"]), history["timeline"]
        assert any("fulfil-request" in line for line in history["timeline"]), history["timeline"]

        again = await agent.refused("send_durable_callback", callback_id=callback_id, outcome="succeed",
                                    result='{"approved": true}')
        assert "internal error" not in again and "diagnose_durable_execution" in again, "answered once only"
    print(f"transcript: {transcript.path}")
