"""Scenario 3 (debug): a step that keeps failing through its retries, diagnosed without payloads, and its
log lines readable only once the server runs with --allow-sensitive-data-access."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.agent import Transcript, agent_session, server_params

HANDLER = '''"""Charges an order; the payment gateway is down."""

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy

RETRY = create_retry_strategy(RetryStrategyConfig(max_attempts=3, initial_delay=Duration.from_seconds(2)))


def charge(_ctx: Any) -> None:
    print("charging card 4111-0000 for order o-7")
    raise RuntimeError("payment gateway unavailable for card 4111-0000")


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    context.step(lambda _: event["order"], name="load-order")
    context.step(charge, name="charge", config=StepConfig(retry_strategy=RETRY))
    return "paid"
'''
CARD = "4111-0000"


@pytest.mark.e2e
@pytest.mark.anyio
async def test_debug_a_retried_failure_and_read_logs_only_with_the_sensitive_flag(
    workspace: Path, env: dict[str, str], tmp_path: Path
) -> None:
    transcript = Transcript("debug")
    (workspace / "payments.py").write_text(HANDLER)
    store = ["--store", str(tmp_path / "store.sqlite3")]

    async with agent_session(server_params(workspace, env, *store), transcript) as agent:
        run = await agent.ok("run_durable_function_locally", handler="payments.py:handler", input={"order": "o-7"})
        assert run["status"] == "FAILED", run
        arn = run["execution_arn"]
        assert run["error_type"], run
        diagnosis = await agent.ok("diagnose_durable_execution", execution_arn=arn)
        assert diagnosis["cause"] == "step_failed", diagnosis
        assert diagnosis["failing_operation"]["name"] == "charge", diagnosis["failing_operation"]
        retries = {r["operation_name"]: r for r in diagnosis["retries"]}
        assert retries["charge"]["attempts_used"] == 3, diagnosis["retries"]
        refused = await agent.refused("get_durable_execution_logs", execution_arn=arn)
        assert "--allow-sensitive-data-access" in refused
        history = await agent.ok("get_durable_execution_history", execution_arn=arn, format="events")
        seen_without_flag = str(run) + str(diagnosis) + str(history)
        assert CARD not in seen_without_flag, "payloads and errors must stay hidden without the flag"

    transcript.note("_the user restarts the server with --allow-sensitive-data-access_")
    sensitive = server_params(workspace, env, "--allow-sensitive-data-access", *store)
    async with agent_session(sensitive, transcript) as agent:
        diagnosis = await agent.ok("diagnose_durable_execution", execution_arn=arn)
        assert "payment gateway unavailable" in str(diagnosis["error"]), diagnosis["error"]
        logs = await agent.ok("get_durable_execution_logs", execution_arn=arn)
        messages = [line["message"] or "" for line in logs["lines"]]
        charging = [m for m in messages if f"charging card {CARD}" in m]
        assert len(charging) == 3, messages  # one line per attempt
        assert all(m.startswith("<untrusted-data") for m in charging), "log lines are marked as data"
    print(f"transcript: {transcript.path}")
