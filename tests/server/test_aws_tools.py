"""Issue-7 acceptance through a real MCP client: deploy to moto, invoke by alias on the local endpoint,
list, get, page, render, diagnose every failure kind, stop; and no payload without the sensitive flag."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitResult

from durable_mcp.endpoint.driver import BackgroundDriver
from durable_mcp.endpoint.server import serve
from durable_mcp.engine.local import LocalEngine
from durable_mcp.engine.python_invoker import PythonInvoker
from durable_mcp.engine.service import DurableService
from durable_mcp.scaffold import ProjectSpec, render_project, write_project
from durable_mcp.server.app import build_server
from durable_mcp.settings import Settings
from tests.inspect import handlers as h
from tests.inspect.test_engine_histories import SCENARIOS

HANDLERS = Path(h.__file__)


def accept(answer: bool = True):  # type: ignore[no-untyped-def]
    async def callback(context: Any, params: Any) -> ElicitResult:
        return ElicitResult(action="accept", content={"confirm": answer})

    return callback


def project(tmp: Path, iac: str) -> Path:
    preview = render_project(ProjectSpec(name=f"orders-{iac}", language="python", iac=iac, pattern="basic"))
    return Path(write_project(preview, tmp / iac, allowed_roots=[tmp]).root)


@pytest.mark.anyio
async def test_deploy_sam_with_elicitation_and_cloudformation_with_a_token(aws_env: str, tmp_path: Path) -> None:
    sam, cfn = project(tmp_path, "sam"), project(tmp_path, "cloudformation")
    settings = Settings(allow_write=True, region="us-east-1", store=tmp_path / "s.db")
    async with Client(build_server(Settings(region="us-east-1", store=tmp_path / "s.db"))) as read_only:
        refused = await read_only.call_tool("deploy_durable_function", {"project_dir": str(sam)})
    assert refused.is_error and "--allow-write" in refused.content[0].text  # type: ignore[union-attr]

    async with Client(build_server(settings), mode="legacy", elicitation_callback=accept(False)) as client:
        declined = await client.call_tool("deploy_durable_function", {"project_dir": str(sam), "stack_name": "sam-x"})
    assert declined.structured_content["status"] == "cancelled", declined

    events: list[str] = []

    async def progress(value: float, total: float | None, message: str | None) -> None:
        events.append(message or "")

    async with Client(build_server(settings), mode="legacy", elicitation_callback=accept()) as client:
        done = await client.call_tool(
            "deploy_durable_function", {"project_dir": str(sam), "stack_name": "sam-stack"}, progress_callback=progress
        )
    out = done.structured_content
    assert out["status"] == "deployed", done
    assert out["plan"]["method"] == "sam"
    assert any("AWS::Lambda::Function" in line for line in out["plan"]["preview"])
    assert out["result"]["functions"][0]["function_arn"], out["result"]
    assert events and all(e.startswith("<untrusted-data") for e in events)

    async with Client(build_server(settings)) as client:  # no elicitation: preview + token
        first = await client.call_tool("deploy_durable_function", {"project_dir": str(cfn), "stack_name": "cfn-stack"})
        assert first.structured_content["status"] == "confirmation_required"
        token = first.structured_content["confirmation_token"]
        second = await client.call_tool(
            "deploy_durable_function", {"project_dir": str(cfn), "stack_name": "cfn-stack", "confirmation_token": token}
        )
    assert second.structured_content["status"] == "deployed", second
    assert second.structured_content["plan"]["method"] == "cloudformation"


@pytest.fixture
def endpoint() -> Iterator[str]:
    service = DurableService()
    for name, export in (("many", "many_steps"), ("approval", "approval")):
        service.register_function(
            name, PythonInvoker(f"{HANDLERS}:{export}", service, function_name=name), version="1", aliases=("live",)
        )
    with serve(service) as server, BackgroundDriver(service):
        yield server.url
    service.close()


def call(client: Client, tool: str, **args: Any) -> Any:
    return client.call_tool(tool, args)


@pytest.mark.anyio
@pytest.mark.parametrize("sensitive", [True, False])
async def test_invoke_by_alias_list_get_page_render_diagnose_stop(
    endpoint: str, tmp_path: Path, sensitive: bool
) -> None:
    settings = Settings(
        allow_write=True,
        allow_sensitive_data_access=sensitive,
        endpoint_url=endpoint,
        region="us-east-1",
        store=tmp_path / "s.db",
    )
    responses: list[str] = []
    async with Client(build_server(settings), mode="legacy", elicitation_callback=accept()) as client:

        async def tool(name: str, **args: Any) -> dict[str, Any]:
            result = await client.call_tool(name, args)
            assert not result.is_error, result
            responses.append(json.dumps(result.structured_content))
            return dict(result.structured_content or {})

        unqualified = await client.call_tool("invoke_durable_function", {"function": "many", "payload": 600})
        assert unqualified.is_error and "qualified" in unqualified.content[0].text  # type: ignore[union-attr]
        invoked = await tool(
            "invoke_durable_function",
            function="many:live",
            payload=600,
            execution_name="batch-1",
            invocation_type="RequestResponse",
        )
        arn = invoked["invocation"]["execution_arn"]
        listed = await tool("list_durable_executions", function="many:live")
        assert [e["arn"] for e in listed["executions"]] == [arn]
        assert (await tool("get_durable_execution", execution_arn=arn))["status"] == "SUCCEEDED"
        page = await tool(
            "get_durable_execution_history", execution_arn=arn, format="events", all_pages=False, max_items=1000
        )
        assert page["event_count"] == 1000 and page["next_marker"]
        rest = await tool(
            "get_durable_execution_history",
            execution_arn=arn,
            format="events",
            all_pages=False,
            max_items=1000,
            marker=page["next_marker"],
        )
        assert rest["event_count"] > 200 and rest["next_marker"] is None
        timeline = await tool("get_durable_execution_history", execution_arn=arn, format="timeline")
        assert len(timeline["timeline"]) >= 600
        gantt = await tool("get_durable_execution_history", execution_arn=arn, format="mermaid")
        assert gantt["mermaid"].startswith("gantt")

        waiting = await tool(
            "invoke_durable_function", function="approval:1", payload={"timeout": 3600, "card": h.SECRET}
        )
        waiting_arn = waiting["invocation"]["execution_arn"]
        diagnosis = await tool("diagnose_durable_execution", execution_arn=waiting_arn)
        assert diagnosis["cause"] in ("waiting_for_callback", "in_progress")
        paused = await tool("pause_or_resume_durable_execution", execution_arn=waiting_arn, action="pause")
        assert paused["execution_status"] in ("PAUSING", "PAUSED")
        resumed = await tool("pause_or_resume_durable_execution", execution_arn=waiting_arn, action="resume")
        assert resumed["execution_status"] == "RUNNING"
        stopped = await tool("stop_durable_execution", execution_arn=waiting_arn)
        assert stopped["execution_status"] == "STOPPED"
        assert (await tool("get_durable_execution", execution_arn=waiting_arn))["status"] == "STOPPED"
    leaked = [r for r in responses if h.SECRET in r]
    assert bool(leaked) == sensitive


CAUSES = {
    "failed": "step_failed",
    "retrying": "retry_scheduled",
    "waiting": "waiting_for_timer",
    "callback": "waiting_for_callback",
    "heartbeat": "callback_timed_out",
    "timed_out": "execution_timed_out",
    "non_deterministic": "non_deterministic",
    "chained": "chained_invoke_failed",
}


@pytest.mark.anyio
@pytest.mark.parametrize("scenario", sorted(CAUSES))
async def test_each_failure_kind_is_diagnosed_through_the_tool(tmp_path: Path, scenario: str) -> None:
    # One store per scenario: virtual time is per engine, and skipping it for one execution would
    # fire another's timers.
    store = tmp_path / "store.sqlite3"
    engine = LocalEngine(store=store)
    engine.register_function("payments", h.payments)
    arn = SCENARIOS[scenario](engine)
    engine.close()
    async with Client(build_server(Settings(store=store))) as client:
        result = await client.call_tool("diagnose_durable_execution", {"execution_arn": arn})
    assert not result.is_error, result
    assert result.structured_content["cause"] == CAUSES[scenario]
    assert h.SECRET not in json.dumps(result.structured_content)
