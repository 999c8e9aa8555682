"""The real server over stdio, driven from synchronous (hypothesis) code, and the rules for its answers.

The MCP session lives in a background event loop (an anyio blocking portal) so that hypothesis can
generate and send one call at a time from a plain test function. The client declares neither
elicitation nor roots, so write tools can never be confirmed: they answer with previews, tokens or
errors, and nothing is written.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import anyio.from_thread
from jsonschema import Draft202012Validator
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, Tool
from mcp_types import CONNECTION_CLOSED, REQUEST_TIMEOUT
from pydantic import ValidationError

# Nothing reachable: a closed loopback port, dummy credentials, no config files, no instance metadata.
OFFLINE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_MAX_ATTEMPTS": "1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
DROPPED_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_STS")
INTERNAL_ERROR = "internal error in "
# Argument validation failing on a type, bound or required key means the published input schema and the
# server's own validation disagree. Checks the schema cannot express (pydantic "value_error") are fine.
VALIDATION_ERROR = re.compile(r"validation errors? for \w+Arguments")
ERROR_TYPE = re.compile(r"\[type=(\w+)")


def refused_by_schema_rules(text: str) -> bool:
    return bool(VALIDATION_ERROR.search(text)) and any(kind != "value_error" for kind in ERROR_TYPE.findall(text))


def server_parameters(workdir: Path, flags: tuple[str, ...] = ()) -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV} | OFFLINE_AWS
    env["AWS_CONFIG_FILE"] = str(workdir / "no-such-aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(workdir / "no-such-aws-credentials")
    # Dry runs import handlers from the workspace; bytecode caches there would read as unconfirmed writes.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "durable_mcp", "--allow-write", *flags, "--store", str(workdir / "store.sqlite3")],
        env=env,
        cwd=str(workdir),
    )


@dataclass(frozen=True)
class Call:
    tool: str
    kind: str  # "generated", a malformed-input label, or "unknown tool"
    arguments: dict[str, Any] | None

    def describe(self, limit: int = 300) -> str:
        text = repr(self.arguments)
        if len(text) > limit:
            text = f"{text[:limit]}... ({len(text)} chars)"
        return f"{self.tool} [{self.kind}] {text}"


@dataclass
class Sweep:
    """Every call made and how it ended; ``failures`` holds those breaking the robustness rules."""

    tools: dict[str, Tool]
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    protocol_errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    tool_errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[tuple[Call, str]] = field(default_factory=list)
    # Identifiers seen in results, offered back as arguments so later calls reach real executions.
    execution_arns: set[str] = field(default_factory=set)
    callback_ids: set[str] = field(default_factory=set)

    @property
    def calls(self) -> int:
        return sum(self.outcomes.values())

    def record(self, call: Call, outcome: str, failure: str | None = None) -> None:
        self.outcomes[(call.tool if call.tool in self.tools else "<unknown>", outcome)] += 1
        if failure is not None:
            self.failures.append((call, failure))

    def judge(self, call: Call, result: CallToolResult) -> None:
        """A result must be valid against the tool's output schema, or a translated, explained error."""
        text = " ".join(getattr(block, "text", "") for block in result.content).strip()
        if result.is_error:
            if text in ("", f"Error executing tool {call.tool}"):
                self.record(call, "failure", f"untranslated crash: {text!r}")
            elif INTERNAL_ERROR in text:
                self.record(call, "failure", f"internal error: {text}")
            elif call.kind == "generated" and refused_by_schema_rules(text):
                self.record(call, "failure", f"arguments valid for the input schema were refused: {text}")
            else:
                self.record(call, "tool error")
                message = text.removeprefix(f"Error executing tool {call.tool}: ")
                self.tool_errors[(call.tool, _first_line(message))] += 1
            return
        schema = self.tools[call.tool].output_schema if call.tool in self.tools else None
        if schema is None:
            self.record(call, "failure", "a successful result from a tool without an output schema")
            return
        problems = [e.message for e in Draft202012Validator(schema).iter_errors(result.structured_content)]
        if problems:
            self.record(call, "failure", f"structured content breaks the output schema: {problems[:3]}")
        else:
            self.record(call, "result")
            self._harvest(result.structured_content)

    def _harvest(self, value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                self._harvest(item, name)
        elif isinstance(value, list):
            for item in value:
                self._harvest(item, key)
        elif isinstance(value, str) and key == "callback_id":
            self.callback_ids.add(value)
        elif isinstance(value, str) and value.startswith("arn:aws:lambda:") and "/durable-execution/" in value:
            self.execution_arns.add(value)

    def report(self) -> str:
        lines = [f"{self.calls} calls"]
        tools = sorted({tool for tool, _ in self.outcomes})
        for tool in tools:
            counts = ", ".join(f"{outcome}={n}" for (t, outcome), n in sorted(self.outcomes.items()) if t == tool)
            lines.append(f"  {tool}: {counts}")
        lines.append("Most frequent tool errors:")
        lines += [f"  {tool}: {message} x{n}" for (tool, message), n in self.tool_errors.most_common(30)]
        if self.protocol_errors:
            lines.append("JSON-RPC errors (malformed input only):")
            lines += [f"  {kind}: {message} x{n}" for (kind, message), n in sorted(self.protocol_errors.items())]
        for call, why in self.failures[:40]:
            lines.append(f"FAILURE {call.describe()}\n    -> {why[:600]}")
        return "\n".join(lines)


class ServerUnderTest:
    """Synchronous calls to the server; each call is judged and recorded in :attr:`sweep`."""

    def __init__(self, portal: anyio.from_thread.BlockingPortal, session: ClientSession, tools: list[Tool],
                 timeout: float) -> None:
        self._portal = portal
        self._session = session
        self._timeout = timeout
        self.sweep = Sweep(tools={tool.name: tool for tool in tools})

    def call(self, call: Call, *, timeout: float | None = None, may_go_unanswered: bool = False) -> None:
        self._portal.call(self._call_and_judge, call, timeout or self._timeout, may_go_unanswered)

    def call_concurrently(self, calls: list[Call], concurrency: int) -> None:
        """Send ``calls`` with up to ``concurrency`` of them in flight at once."""
        self._portal.call(self._call_all, calls, concurrency)

    async def _call_all(self, calls: list[Call], concurrency: int) -> None:
        limiter = anyio.CapacityLimiter(concurrency)

        async def one(call: Call) -> None:
            async with limiter:
                await self._call_and_judge(call, self._timeout, False)

        async with anyio.create_task_group() as group:
            for call in calls:
                group.start_soon(one, call)

    async def _call_and_judge(self, call: Call, timeout: float, may_go_unanswered: bool) -> None:
        try:
            result = await self._raw_call(call.tool, call.arguments, timeout)
        except MCPError as exc:
            if exc.code == REQUEST_TIMEOUT and may_go_unanswered:
                self.sweep.record(call, "no answer")
            elif exc.code == REQUEST_TIMEOUT:
                self.sweep.record(call, "failure", f"no answer within {timeout}s")
            elif exc.code == CONNECTION_CLOSED or call.kind == "generated":
                self.sweep.record(call, "failure", f"JSON-RPC error {exc.code}: {exc.message}")
            else:
                self.sweep.protocol_errors[(call.kind.split(":")[0], _first_line(exc.message))] += 1
                self.sweep.record(call, f"JSON-RPC error {exc.code}")
            return
        except ValidationError as exc:
            self.sweep.record(call, "failure", f"not a CallToolResult: {exc}")
            return
        self.sweep.judge(call, result)

    async def _raw_call(self, name: str, arguments: dict[str, Any] | None, timeout: float) -> CallToolResult:
        # The session's own output-schema check raises; the sweep validates and records instead.
        with anyio.fail_after(timeout + 5):
            return await self._session.send_request(
                _call_request(name, arguments), CallToolResult, request_read_timeout_seconds=timeout
            )

    def list_tools(self) -> list[Tool]:
        return self._portal.call(self._list_tools)

    async def _list_tools(self) -> list[Tool]:
        return (await self._session.list_tools()).tools


def _call_request(name: str, arguments: dict[str, Any] | None) -> Any:
    from mcp import types

    return types.CallToolRequest(params=types.CallToolRequestParams(name=name, arguments=arguments))


def _first_line(message: str) -> str:
    return message.splitlines()[0][:120] if message else ""


@contextmanager
def running_server(
    workdir: Path, stderr: TextIO, *, timeout: float, flags: tuple[str, ...] = ()
) -> Iterator[ServerUnderTest]:
    with anyio.from_thread.start_blocking_portal("asyncio") as portal:
        opened = portal.wrap_async_context_manager(_session(server_parameters(workdir, flags), stderr))
        with opened as session:
            tools = portal.call(_initialize, session)
            yield ServerUnderTest(portal, session, tools, timeout)


def _session(parameters: StdioServerParameters, stderr: TextIO) -> AbstractAsyncContextManager[ClientSession]:
    @asynccontextmanager
    async def opened() -> Any:
        async with stdio_client(parameters, errlog=stderr) as (read, write), ClientSession(
            read, write
        ) as session:
            yield session

    return opened()


async def _initialize(session: ClientSession) -> list[Tool]:
    await session.initialize()
    return (await session.list_tools()).tools
