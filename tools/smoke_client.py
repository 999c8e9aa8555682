"""Smoke-test a durable-mcp server through a real MCP client: is it up, and does each kind of capability answer?

Usage:
  python tools/smoke_client.py                       # launch `durable-mcp --allow-write` over stdio (temp store)
  python tools/smoke_client.py --url http://127.0.0.1:8765/mcp   # a server already serving streamable HTTP
  python tools/smoke_client.py --command "uvx --from . durable-mcp"  # another launch line (stdio)

It lists tools, resources and prompts, reads a rule page, renders a prompt, validates a handler with a
clock read outside a step, dry-runs a handler that waits for a callback, answers the callback, and
diagnoses the execution. One line per check; exit 1 if any failed, 2 if the server could not be reached.
Handlers are written to a temporary folder on this machine, so an HTTP server must run here too.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.client.session import ClientRequestContext
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult, ErrorData, TextContent

EXPECTED_TOOLS = {
    "scaffold_durable_function", "validate_durable_code", "run_durable_function_locally",
    "check_replay_determinism", "send_durable_callback", "deploy_durable_function", "diagnose_durable_execution",
    "get_durable_execution_history", "list_durable_executions",
}
CLOCK_OUTSIDE_STEP = """
from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time

@durable_execution
def handler(event, context: DurableContext):
    started = time.time()
    return context.step(lambda _: started, name="stamp")
"""
WAITS_FOR_APPROVAL = """
from aws_durable_execution_sdk_python import DurableContext, durable_execution

@durable_execution
def handler(event, context: DurableContext):
    order = context.step(lambda _: {"id": event["order"]}, name="load-order")
    decision = context.wait_for_callback(lambda callback_id, _ctx: None, name="approval")
    return {"order": order["id"], "decision": decision}
"""


class Smoke:
    def __init__(self, client: Client, workdir: Path) -> None:
        self.client = client
        self.workdir = workdir
        self.failures = 0
        self.state: dict[str, Any] = {}

    async def check(self, name: str, probe: Callable[[], Awaitable[str]]) -> None:
        started = time.perf_counter()
        try:
            detail = await probe()
        except Exception as exc:  # a smoke test reports every failure and goes on
            self.failures += 1
            print(f"FAIL {name:<22} {type(exc).__name__}: {str(exc)[:300]}")
            return
        print(f"ok   {name:<22} {1e3 * (time.perf_counter() - started):7.0f} ms  {detail}")

    async def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result: CallToolResult = await self.client.call_tool(tool, arguments)
        if result.is_error:
            text = " ".join(c.text for c in result.content if isinstance(c, TextContent))
            raise RuntimeError(f"{tool} answered with an error: {text[:300]}")
        return dict(result.structured_content or {})

    async def tools(self) -> str:
        names = {tool.name for tool in (await self.client.list_tools()).tools}
        missing = EXPECTED_TOOLS - names
        if missing:
            raise RuntimeError(f"missing tools: {', '.join(sorted(missing))}")
        return f"{len(names)} tools"

    async def resources(self) -> str:
        listed = (await self.client.list_resources()).resources
        page = await self.client.read_resource("durable://reference/rules/DR001")
        text = "".join(getattr(content, "text", "") for content in page.contents)
        if "DR001" not in text:
            raise RuntimeError("the DR001 rule page does not name its rule")
        return f"{len(listed)} resources; DR001 page {len(text)} chars"

    async def prompts(self) -> str:
        listed = (await self.client.list_prompts()).prompts
        if not listed:
            raise RuntimeError("no prompts")
        prompt = listed[0]
        arguments = {a.name: "orders" for a in prompt.arguments or [] if a.required}
        rendered = await self.client.get_prompt(prompt.name, arguments)
        return f"{len(listed)} prompts; {prompt.name} renders {len(rendered.messages)} message(s)"

    async def validate(self) -> str:
        report = await self.call("validate_durable_code", {"source": CLOCK_OUTSIDE_STEP, "language": "python"})
        rules = sorted({finding["rule"] for finding in report.get("findings", [])})
        if "DR001" not in rules:
            raise RuntimeError(f"expected DR001 for time.time() outside a step, got {rules}")
        return f"found {', '.join(rules)}"

    async def dry_run(self) -> str:
        handler = self.workdir / "approval.py"
        handler.write_text(WAITS_FOR_APPROVAL, encoding="utf-8")
        run = await self.call("run_durable_function_locally",
                              {"handler": f"{handler}:handler", "input": {"order": "o-1"}})
        if run.get("status") != "RUNNING" or not run.get("pending_callbacks"):
            raise RuntimeError(f"expected RUNNING with a pending callback, got {run.get('status')}")
        self.state["arn"] = run["execution_arn"]
        self.state["callback_id"] = run["pending_callbacks"][0]["callback_id"]
        return f"RUNNING, waiting on callback {run['pending_callbacks'][0]['name']!r}"

    async def callback(self) -> str:
        sent = await self.call("send_durable_callback", {"callback_id": self.state["callback_id"],
                                                         "outcome": "succeed", "result": "approved"})
        if sent.get("execution_status") != "SUCCEEDED":
            raise RuntimeError(f"execution is {sent.get('execution_status')} after the callback: {sent.get('message')}")
        return "execution SUCCEEDED"

    async def diagnose(self) -> str:
        diagnosis = await self.call("diagnose_durable_execution", {"execution_arn": self.state["arn"]})
        return f"{diagnosis.get('status')}: {str(diagnosis.get('summary'))[:80]}"

    async def run(self) -> int:
        await self.check("list tools", self.tools)
        await self.check("resources", self.resources)
        await self.check("prompts", self.prompts)
        await self.check("validate", self.validate)
        await self.check("dry-run", self.dry_run)
        if "callback_id" in self.state:
            await self.check("answer callback", self.callback)
            await self.check("diagnose", self.diagnose)
        return 1 if self.failures else 0


async def _accept(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult | ErrorData:
    # The server asks before local writes it cannot approve by itself; this client says yes.
    return ElicitResult(action="accept", content={"confirm": True})


async def smoke(target: StdioServerParameters | str, workdir: Path) -> int:
    connected = False
    try:
        client = Client(target, mode="legacy", elicitation_callback=_accept, read_timeout_seconds=120)
        async with client:
            connected = True
            info = client.server_info
            print(f"connected to {info.name if info else '?'} {info.version if info else ''} "
                  f"(protocol {client.protocol_version})")
            return await Smoke(client, workdir).run()
    except Exception as exc:  # transports raise their own errors, often grouped by the task group
        if connected:
            raise
        while isinstance(exc, ExceptionGroup) and exc.exceptions:
            exc = exc.exceptions[0]
        print(f"FAIL connect: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a streamable HTTP endpoint (default: launch a server over stdio)")
    parser.add_argument("--command", default="durable-mcp --allow-write",
                        help="the stdio launch line (a temporary --store is added)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="durable-mcp-smoke-") as tmp:
        workdir = Path(tmp)
        target: StdioServerParameters | str
        if args.url:
            target = args.url
        else:
            command, *rest = shlex.split(args.command)
            target = StdioServerParameters(command=command, args=[*rest, "--store", str(workdir / "store.sqlite3")],
                                           cwd=str(workdir))
        return asyncio.run(smoke(target, workdir))


if __name__ == "__main__":
    sys.exit(main())
