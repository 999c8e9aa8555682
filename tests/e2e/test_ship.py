"""Scenario 4 (ship): a scaffolded Python SAM project deployed to moto through the confirmed deploy tool,
then invoked by alias on a local `durable-mcp endpoint` serving the same handler, and its history read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.agent import Transcript, agent_session, confirming, local_endpoint, server_params

ORDER = {"order_id": "order-9", "items": ["lamp"]}


@pytest.mark.e2e
@pytest.mark.anyio
@pytest.mark.filterwarnings("ignore:Tried to parse AWS..Lambda..Alias:UserWarning")
async def test_ship_deploy_to_moto_then_invoke_by_alias_and_inspect(
    workspace: Path, env: dict[str, str], tmp_path: Path
) -> None:
    transcript = Transcript("ship")
    store = ["--store", str(tmp_path / "store.sqlite3")]
    project = workspace / "orders"
    async with agent_session(server_params(workspace, env, *store), transcript,
                             elicit=confirming(transcript)) as agent:
        written = await agent.ok("scaffold_durable_function", name="orders", output_dir=str(project),
                                 language="python", iac="sam", pattern="basic")
        assert written["status"] == "written", written
        deployed = await agent.ok("deploy_durable_function", project_dir=str(project), stack_name="orders-stack")
        assert deployed["status"] == "deployed", deployed
        assert deployed["plan"]["method"] == "sam"
        preview = "\n".join(deployed["plan"]["preview"])
        for kind in ("AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias"):
            assert kind in preview, preview  # the change set publishes a version behind the alias
        assert deployed["result"]["status"] == "CREATE_COMPLETE", deployed["result"]
        function = deployed["result"]["functions"][0]
        assert function["function_arn"].startswith("arn:aws:lambda:us-east-1:"), function
        # moto's CloudFormation cannot create AWS::Lambda::Alias, so alias_arn stays empty here; the
        # invoke-by-alias half of the scenario runs on the local endpoint below.
        again = await agent.ok("deploy_durable_function", project_dir=str(project), stack_name="orders-stack")
        assert again["status"] == "no_changes", again

    handler = project / "src" / "orders" / "handler.py"
    with local_endpoint(workspace, env, {"orders": f"{handler}:handler"}) as url:
        transcript.note(f"_a local `durable-mcp endpoint` serves the same handler as `orders` at {url}_")
        params = server_params(workspace, env, "--endpoint-url", url, "--allow-sensitive-data-access", *store)
        async with agent_session(params, transcript, elicit=confirming(transcript)) as agent:
            unqualified = await agent.refused("invoke_durable_function", function="orders", payload=ORDER)
            assert "qualified" in unqualified
            invoked = await agent.ok("invoke_durable_function", function="orders:live", payload=ORDER,
                                     execution_name="first-run", invocation_type="RequestResponse")
            assert invoked["status"] == "invoked", invoked
            arn = invoked["invocation"]["execution_arn"]
            assert ":function:orders:" in arn and "/durable-execution/first-run/" in arn, arn
            same = await agent.ok("invoke_durable_function", function="orders:live", payload=ORDER,
                                  execution_name="first-run", invocation_type="RequestResponse")
            assert same["invocation"]["execution_arn"] == arn, "a reused execution name starts nothing new"

            listed = await agent.ok("list_durable_executions", function="orders:live")
            assert [e["arn"] for e in listed["executions"]] == [arn], listed
            execution = await agent.ok("get_durable_execution", execution_arn=arn)
            assert execution["status"] == "SUCCEEDED", execution
            assert "confirmed order-9 with 1 item(s)" in execution["result"]
            timeline = await agent.ok("get_durable_execution_history", execution_arn=arn, format="timeline")
            lines = "\n".join(timeline["timeline"])
            for name in ("validate-order", "cool-down", "confirm-order"):
                assert name in lines, lines
            gantt = await agent.ok("get_durable_execution_history", execution_arn=arn, format="mermaid")
            assert gantt["mermaid"].startswith("gantt")
            diagnosis = await agent.ok("diagnose_durable_execution", execution_arn=arn)
            assert diagnosis["status"] == "SUCCEEDED", diagnosis
    print(f"transcript: {transcript.path}")


@pytest.mark.e2e
@pytest.mark.anyio
@pytest.mark.filterwarnings("ignore:Tried to parse AWS..Lambda..Alias:UserWarning")
async def test_ship_from_one_session_that_also_inspects_a_local_endpoint(
    workspace: Path, env: dict[str, str], tmp_path: Path
) -> None:
    transcript = Transcript("ship-one-session")
    greeter = workspace / "greeter.py"
    greeter.write_text("from aws_durable_execution_sdk_python import durable_execution\n\n\n"
                       "@durable_execution\ndef handler(event, context):\n    return 'hi'\n")
    project = workspace / "orders"
    with local_endpoint(workspace, env, {"greeter": f"{greeter}:handler"}) as url:
        params = server_params(workspace, env, "--endpoint-url", url, "--store", str(tmp_path / "store.sqlite3"))
        async with agent_session(params, transcript, elicit=confirming(transcript)) as agent:
            written = await agent.ok("scaffold_durable_function", name="orders", output_dir=str(project),
                                     language="python", iac="sam", pattern="basic")
            assert written["status"] == "written", written
            # --endpoint-url redirects Lambda's durable and Invoke calls only; the deploy still reads AWS.
            deployed = await agent.ok("deploy_durable_function", project_dir=str(project), stack_name="one-session")
            assert deployed["status"] == "deployed", deployed
            function_arn = deployed["result"]["functions"][0]["function_arn"]
            assert function_arn.startswith("arn:aws:lambda:us-east-1:123456789012:"), "read from moto"
            invoked = await agent.ok("invoke_durable_function", function="greeter:live", execution_name="hi",
                                     invocation_type="RequestResponse")
            arn = invoked["invocation"]["execution_arn"]
            assert (await agent.ok("get_durable_execution", execution_arn=arn))["status"] == "SUCCEEDED"
    print(f"transcript: {transcript.path}")
