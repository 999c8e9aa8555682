"""Scenario 1 (build): guidance, scaffold through the token confirmation, validate, dry-run, then a planted
replay bug that the validator reports and the determinism check confirms, and the fix that clears both."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.agent import Transcript, agent_session, server_params
from tests.scaffold.projects import node_packages
from tests.support.node_toolchain import link_node_modules

ORDER = {"order_id": "order-1", "items": ["book", "pen"]}
TYPING_IMPORT = "from typing import Any\n"
CLOCK_IMPORT = "import time\n"
# The bug an agent writes when it wants a unique step name: a clock read outside any step.
STAMP = "    stamp = int(time.time())\n"
WAIT = '    context.wait(COOL_DOWN, name="cool-down")\n'
CLEAN_NAME = 'name="confirm-order")'
STAMPED_NAME = 'name=f"confirm-order-{stamp}")'


def plant_clock_bug(handler: Path) -> None:
    source = handler.read_text()
    assert TYPING_IMPORT in source and WAIT in source and CLEAN_NAME in source, "the scaffold changed shape"
    source = source.replace(TYPING_IMPORT, CLOCK_IMPORT + TYPING_IMPORT, 1)
    handler.write_text(source.replace(WAIT, STAMP + WAIT).replace(CLEAN_NAME, STAMPED_NAME))


def fix_clock_bug(handler: Path) -> None:
    """The fix DR010 asks for: a literal step name, and no clock read left outside a step."""
    source = handler.read_text().replace(STAMPED_NAME, CLEAN_NAME).replace(STAMP, "")
    handler.write_text(source.replace(CLOCK_IMPORT + TYPING_IMPORT, TYPING_IMPORT, 1))


@pytest.mark.e2e
@pytest.mark.anyio
async def test_build_scaffold_validate_dry_run_and_fix_a_replay_bug(
    workspace: Path, env: dict[str, str], tmp_path: Path
) -> None:
    transcript = Transcript("build")
    params = server_params(workspace, env, "--allow-sensitive-data-access", "--store", str(tmp_path / "store.sqlite3"))
    async with agent_session(params, transcript) as agent:
        guidance = await agent.ok("get_durable_guidance", topic="python steps and durable waits")
        assert "durable://reference/" in str(guidance)

        project = workspace / "orders"
        request = {"name": "orders", "output_dir": str(project), "language": "python", "iac": "sam",
                   "pattern": "basic"}
        preview = await agent.ok("scaffold_durable_function", **request)
        assert preview["status"] == "confirmation_required" and preview["confirmation_token"]
        assert any(f["path"].endswith("handler.py") and f["content"] for f in preview["files"])
        assert not project.exists(), "a preview must not write anything"
        written = await agent.ok("scaffold_durable_function", **request,
                                 confirmation_token=preview["confirmation_token"])
        assert written["status"] == "written", written
        handler = project / "src" / "orders" / "handler.py"
        assert handler.is_file()
        ref = f"{handler}:handler"

        clean = await agent.ok("validate_durable_code", paths=[str(project)])
        assert clean["errors"] == 0 and clean["files_checked"] >= 2, clean

        run = await agent.ok("run_durable_function_locally", handler=ref, input=ORDER)
        assert run["status"] == "SUCCEEDED", run
        assert "confirmed order-1" in run["result"]
        assert any("cool-down" in line for line in run["timeline"]), run["timeline"]

        plant_clock_bug(handler)
        transcript.note("_the agent edits handler.py: the confirm step's name now carries `int(time.time())`_")
        buggy = await agent.ok("validate_durable_code", paths=[str(handler)])
        rules = {(f["rule"], f["line"]) for f in buggy["findings"]}
        assert {rule for rule, _ in rules} >= {"DR001", "DR010"}, buggy["findings"]
        assert all(f["docs"].startswith("durable://reference/rules/DR") for f in buggy["findings"])

        diverged = await agent.ok("check_replay_determinism", handler=ref, input=ORDER, interruptions=False)
        assert diverged["status"] == "SUCCEEDED" and diverged["deterministic"] is False, diverged
        divergence = diverged["divergences"][0]
        assert "confirm-order-" in str(divergence), divergence
        clock_line = next(line for rule, line in rules if rule == "DR001")
        assert f"handler.py:{clock_line}" in str(divergence), "the check should point at the line DR001 named"

        fix_clock_bug(handler)
        transcript.note("_the agent restores a literal step name and removes the clock read_")
        fixed = await agent.ok("validate_durable_code", paths=[str(handler)])
        assert fixed["errors"] == 0 and fixed["warnings"] == 0, fixed["findings"]
        agreed = await agent.ok("check_replay_determinism", handler=ref, input=ORDER)
        assert agreed["status"] == "SUCCEEDED" and agreed["deterministic"] is True, agreed
        rerun = await agent.ok("run_durable_function_locally", handler=ref, input=ORDER)
        assert rerun["status"] == "SUCCEEDED", rerun
    print(f"transcript: {transcript.path}")


GREETER = '''from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: Any, context: DurableContext) -> str:
    return context.step(lambda _: "{greeting}", name="greet")
'''


@pytest.mark.e2e
@pytest.mark.anyio
async def test_dry_run_after_an_edit_runs_the_edited_code(workspace: Path, env: dict[str, str], tmp_path: Path) -> None:
    transcript = Transcript("build-edit-rerun")
    handler = workspace / "greeter.py"
    handler.write_text(GREETER.format(greeting="hello"))
    params = server_params(workspace, env, "--allow-sensitive-data-access", "--store", str(tmp_path / "store.sqlite3"))
    async with agent_session(params, transcript) as agent:
        first = await agent.ok("run_durable_function_locally", handler="greeter.py:handler")
        assert "hello" in first["result"]
        handler.write_text(GREETER.format(greeting="goodbye"))
        transcript.note("_the agent edits greeter.py: the step now returns goodbye_")
        second = await agent.ok("run_durable_function_locally", handler="greeter.py:handler")
    assert "goodbye" in second["result"], second["result"]


TS_WAIT = '  await context.wait("cool-down", COOL_DOWN);\n'
TS_CLEAN_NAME = '    "confirm-order",\n'
TS_STAMP = "  const stamp = Date.now();\n"
TS_STAMPED_NAME = "    `confirm-order-${stamp}`,\n"


@pytest.mark.e2e
@pytest.mark.node
@pytest.mark.anyio
async def test_build_the_default_typescript_project_and_catch_a_clock_in_a_step_name(
    workspace: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """The path most agents take: scaffold with the defaults (TypeScript, CDK), `npm install`, validate,
    dry-run under Node, then the same planted replay bug as in Python, found by both checks."""
    transcript = Transcript("build-typescript")
    params = server_params(workspace, env, "--allow-sensitive-data-access", "--store", str(tmp_path / "store.sqlite3"))
    async with agent_session(params, transcript) as agent:
        project = workspace / "orders"
        request = {"name": "orders", "output_dir": str(project), "pattern": "basic"}
        preview = await agent.ok("scaffold_durable_function", **request)
        assert (preview["project"]["language"], preview["project"]["iac"]) == ("typescript", "cdk")
        written = await agent.ok("scaffold_durable_function", **request,
                                 confirmation_token=preview["confirmation_token"])
        assert written["status"] == "written", written
        assert (project / "cdk.json").is_file()
        handler = project / "src" / "index.ts"
        link_node_modules(project, node_packages())
        transcript.note("_the agent runs `npm install` in the project_")
        ref = f"{handler}:handler"

        clean = await agent.ok("validate_durable_code", paths=[str(project)])
        assert clean["errors"] == 0 and clean["files_checked"] >= 3, clean

        run = await agent.ok("run_durable_function_locally", handler=ref, input=ORDER)
        assert run["status"] == "SUCCEEDED", run
        assert "confirmed order-1" in run["result"]

        source = handler.read_text()
        assert TS_WAIT in source and TS_CLEAN_NAME in source, "the scaffold changed shape"
        handler.write_text(source.replace(TS_WAIT, TS_STAMP + TS_WAIT).replace(TS_CLEAN_NAME, TS_STAMPED_NAME))
        transcript.note("_the agent edits index.ts: the confirm step's name now carries `Date.now()`_")
        buggy = await agent.ok("validate_durable_code", paths=[str(handler)])
        rules = {(f["rule"], f["line"]) for f in buggy["findings"]}
        assert {rule for rule, _ in rules} >= {"DR001", "DR010"}, buggy["findings"]

        diverged = await agent.ok("check_replay_determinism", handler=ref, input=ORDER, interruptions=False)
        assert diverged["deterministic"] is False, diverged
        assert "confirm-order-" in str(diverged["divergences"][0])

        handler.write_text(source)
        transcript.note("_the agent restores the literal step name_")
        agreed = await agent.ok("check_replay_determinism", handler=ref, input=ORDER)
        assert agreed["deterministic"] is True, agreed
    print(f"transcript: {transcript.path}")
