"""Scenario 5 (refuse): without --allow-write every tool that writes, runs code or changes an execution is
refused (or, for scaffolding, only previewed), whatever the user would have confirmed, and nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from mcp.types import ElicitResult

from tests.e2e.agent import Transcript, agent_session, server_params

WAITING_HANDLER = '''"""Waits for a manager's decision."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: Any, context: DurableContext) -> Any:
    return context.wait_for_callback(lambda callback_id, _ctx: None, name="manager-decision")
'''
STACK = "refuse-stack"


def write_attempts(workspace: Path, arn: str, callback_id: str) -> dict[str, dict[str, Any]]:
    """One realistic call per write path, aimed at things that exist."""
    return {
        "run_durable_function_locally": {"handler": "approve.py:handler", "input": {"n": 2}},
        "send_durable_callback": {"callback_id": callback_id, "outcome": "succeed", "result": '{"ok": true}'},
        "stop_durable_execution": {"execution_arn": arn},
        "pause_or_resume_durable_execution": {"execution_arn": arn, "action": "pause"},
        "deploy_durable_function": {"project_dir": str(workspace), "stack_name": STACK},
        "invoke_durable_function": {"function": "approve:live", "payload": {"n": 3}, "execution_name": "x"},
    }


@pytest.mark.e2e
@pytest.mark.anyio
async def test_refuse_every_write_path_without_allow_write(
    workspace: Path, env: dict[str, str], tmp_path: Path, moto_url: str
) -> None:
    transcript = Transcript("refuse")
    (workspace / "approve.py").write_text(WAITING_HANDLER)
    store = ["--store", str(tmp_path / "store.sqlite3")]
    async with agent_session(server_params(workspace, env, *store), transcript) as agent:
        run = await agent.ok("run_durable_function_locally", handler="approve.py:handler", input={"n": 1})
        assert run["status"] == "RUNNING", run
    arn, callback_id = run["execution_arn"], run["pending_callbacks"][0]["callback_id"]

    transcript.note("_the same workspace and store, served read-only (.mcp.json's args without --allow-write); "
                    "the user would confirm anything asked_")
    asked: list[str] = []

    async def would_confirm(_context: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"confirm": True})

    read_only = server_params(workspace, env, *store, read_only=True)
    assert "--allow-write" not in read_only.args
    async with agent_session(read_only, transcript, elicit=would_confirm) as agent:
        tools = (await agent.session.list_tools()).tools
        writers = {t.name for t in tools if not (t.annotations and t.annotations.read_only_hint)}
        attempts = write_attempts(workspace, arn, callback_id)
        assert writers == {*attempts, "scaffold_durable_function"}, "every write tool needs a refusal case here"

        for tool, arguments in attempts.items():
            message = await agent.refused(tool, **arguments)
            assert "--allow-write" in message and "restart" in message, (tool, message)

        project = workspace / "orders"
        for token in (None, "forged-token"):
            extra = {"confirmation_token": token} if token else {}
            preview = await agent.ok("scaffold_durable_function", name="orders", output_dir=str(project),
                                     language="python", iac="sam", **extra)
            assert preview["status"] == "preview" and preview["confirmation_token"] is None, preview
            assert "--allow-write" in preview["message"]

        still = await agent.ok("get_durable_execution", execution_arn=arn)
        assert still["status"] == "RUNNING", "nothing answered or stopped the waiting execution"
        diagnosis = await agent.ok("diagnose_durable_execution", execution_arn=arn)
        assert [p["callback_id"] for p in diagnosis["pending"]] == [callback_id]
        listed = await agent.ok("list_durable_executions", function=arn.split(":function:")[1].split(":")[0],
                                local=True)
        assert len(listed["executions"]) == 1, "the refused dry-run started nothing"

    assert not asked, f"a read-only server must not ask the user anything: {asked}"
    assert not project.exists()
    cloudformation = boto3.client("cloudformation", endpoint_url=moto_url, region_name="us-east-1",
                                  aws_access_key_id="testing", aws_secret_access_key="testing")
    stacks = cloudformation.list_stacks()["StackSummaries"]
    assert STACK not in {s["StackName"] for s in stacks}
    print(f"transcript: {transcript.path}")
