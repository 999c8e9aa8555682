"""TypeScript and JavaScript handlers run under Node against the engine, with the same history as Python."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from durable_mcp.engine.local import LocalEngine, RunResult
from durable_mcp.errors import UserError
from durable_mcp.runtimes.node import NodeInvoker
from durable_mcp.runtimes.refs import parse_handler_ref
from tests.runtimes.conftest import (
    ESBUILD_TOOLCHAIN,
    HANDLERS,
    TSX_TOOLCHAIN,
    TYPESCRIPT_TOOLCHAIN,
    ProjectFactory,
)

pytestmark = pytest.mark.node

INPUT = json.dumps({"amount": 21})


def dry_run(engine: LocalEngine, handler: Any) -> RunResult:
    arn = engine.start(handler, INPUT, function_name="workflow", execution_name="dry-run")
    callback_id = engine.callback_id(arn, "approval")
    assert callback_id is not None, engine.result(arn).events
    engine.send_callback_success(callback_id, b"approved")
    return engine.result(arn)


def shape(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events with what legitimately differs between SDKs and runs taken out: operation ids become
    ordinals (each SDK hashes its own), timestamps, request and callback ids go, and payloads are
    compared as JSON values (the SDKs space their JSON differently)."""
    ordinals: dict[str, int] = {}

    def ordinal(op_id: str) -> int:
        return ordinals.setdefault(op_id, len(ordinals))

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: (_json_value(item) if key == "Payload" else clean(item))
                for key, item in value.items()
                if not key.endswith(("Timestamp", "RequestId", "CallbackId"))
            }
        return value

    normalised = []
    for event in events:
        item = clean({k: v for k, v in event.items() if k not in ("Id", "ParentId")})
        item["Id"] = ordinal(event["Id"]) if "Id" in event else None
        item["ParentId"] = ordinal(event["ParentId"]) if "ParentId" in event else None
        normalised.append(item)
    return normalised


def _json_value(text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def python_run() -> RunResult:
    with LocalEngine() as engine:
        return dry_run(engine, f"{HANDLERS / 'workflow.py'}:handler")


@pytest.mark.parametrize(
    "packages",
    [ESBUILD_TOOLCHAIN, TSX_TOOLCHAIN, TYPESCRIPT_TOOLCHAIN],
    ids=["esbuild", "tsx", "typescript"],
)
def test_typescript_dry_run_matches_python_event_for_event(
    node_project: ProjectFactory, packages: dict[str, str]
) -> None:
    project = node_project("workflow.ts", packages=packages)
    with (
        LocalEngine() as engine,
        NodeInvoker(parse_handler_ref(f"{project}/workflow.ts:handler"), service=engine.service) as node,
    ):
        ts = dry_run(engine, node)
    py = python_run()
    assert ts.status == py.status == "SUCCEEDED"
    assert ts.result == py.result == {"total": 42, "answer": "approved"}
    assert shape(ts.events) == shape(py.events)
    assert [e["EventType"] for e in ts.events].count("InvocationCompleted") == 3


@pytest.mark.parametrize("module", ["workflow.mjs", "workflow.cjs"])
def test_javascript_handlers_run_without_a_transpiler(node_project: ProjectFactory, module: str) -> None:
    project = node_project(module)
    with (
        LocalEngine() as engine,
        NodeInvoker(parse_handler_ref(f"{project}/{module}"), service=engine.service) as node,
    ):
        result = dry_run(engine, node)
    assert result.status == "SUCCEEDED"
    assert result.result == {"total": 42, "answer": "approved"}


def test_a_missing_sdk_says_how_to_install_it(tmp_path: Path) -> None:
    handler = tmp_path / "index.js"
    handler.write_text("exports.handler = async () => ({ Status: 'SUCCEEDED' });\n")
    with pytest.raises(UserError, match="npm install @aws/durable-execution-sdk-js"):
        NodeInvoker(parse_handler_ref(f"{handler}:handler"), endpoint_url="http://127.0.0.1:9")


def test_a_project_that_lists_the_sdk_is_told_to_run_npm_install(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"dependencies": {"@aws/durable-execution-sdk-js": "^1.0.0"}}')
    (tmp_path / "src").mkdir()
    handler = tmp_path / "src" / "index.js"
    handler.write_text("exports.handler = async () => ({ Status: 'SUCCEEDED' });\n")
    expected = rf"Run `npm install` in {re.escape(str(tmp_path))} \(its package.json lists it\)"
    with pytest.raises(UserError, match=expected):
        NodeInvoker(parse_handler_ref(f"{handler}:handler"), endpoint_url="http://127.0.0.1:9")


def test_a_missing_transpiler_names_the_options(node_project: ProjectFactory) -> None:
    from tests.support.node_toolchain import DURABLE_JS

    project = node_project("workflow.ts", packages=DURABLE_JS)
    with pytest.raises(UserError, match="npm i -D esbuild"):
        NodeInvoker(parse_handler_ref(f"{project}/workflow.ts"), endpoint_url="http://127.0.0.1:9")


def test_step_stubs_replace_step_code_under_node(node_project: ProjectFactory) -> None:
    project = node_project("workflow.ts")
    ref = parse_handler_ref(f"{project}/workflow.ts:handler")
    with (
        LocalEngine() as engine,
        NodeInvoker(ref, service=engine.service, stub_steps={"double": 7}) as node,
    ):
        result = dry_run(engine, node)
    assert result.result == {"total": 7, "answer": "approved"}


def test_a_missing_node_says_how_to_install_it() -> None:
    from durable_mcp.runtimes.node import find_node

    with pytest.raises(UserError, match=r"Install Node\.js 22"):
        find_node("node-that-does-not-exist")


def test_handler_output_becomes_the_execution_log(node_project: ProjectFactory) -> None:
    project = node_project("workflow.ts")
    ref = parse_handler_ref(f"{project}/workflow.ts:handler")
    with (
        LocalEngine() as engine,
        NodeInvoker(ref, service=engine.service, log_sink=engine.service.append_logs) as node,
    ):
        arn = dry_run(engine, node).execution_arn
        logs = engine.logs(arn)
    assert sum(line.startswith("START RequestId") for line in logs) == 3
    assert sum("order of 21" in line for line in logs) == 3  # printed on every replay, like in Lambda


def test_the_handlers_clock_follows_the_engines_virtual_time(node_project: ProjectFactory) -> None:
    project = node_project("elapsed.ts")
    ref = parse_handler_ref(f"{project}/elapsed.ts:handler")
    with LocalEngine() as engine, NodeInvoker(ref, service=engine.service) as node:
        arn = engine.start(node, "{}", function_name="elapsed")
        result = engine.result(arn)
    assert result.status == "SUCCEEDED", result.error
    # The hour-long wait is skipped, yet the handler sees it pass, as it would on Lambda.
    assert 3_600_000 <= result.result["elapsedMs"] < 3_600_000 + 60_000
