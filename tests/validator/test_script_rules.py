"""TypeScript/JavaScript behaviour beyond the corpus: binding, aliases, grammar quirks, fixes."""

from __future__ import annotations

import textwrap

from durable_mcp.validator import validate_source

SDK = 'import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";\n'


def check(code: str, language: str = "typescript") -> list[tuple[int, str]]:
    report = validate_source(textwrap.dedent(code), language)
    return [(f.line, f.rule) for f in report.findings]


def test_clock_outside_any_durable_handler_is_not_reported() -> None:
    assert check("export const f = () => Date.now();\n") == []


def test_uuid_substring_in_a_validator_name_is_not_randomness() -> None:
    code = SDK + textwrap.dedent("""
        function isValidUuid(v: string) { return v.length === 36; }
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          return isValidUuid(e.id);
        });
    """)
    assert check(code) == []


def test_await_with_type_arguments_is_still_an_operation() -> None:
    code = SDK + textwrap.dedent("""
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          await context.step("a", async () => {
            await context.step<number>("inner", async () => 1);
          });
        });
    """)
    assert check(code) == [(5, "DR004")]


def test_outer_context_fix_uses_the_callback_parameter() -> None:
    code = SDK + textwrap.dedent("""
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          await context.runInChildContext("c", async (child) => context.wait("w", { seconds: 1 }));
        });
    """)
    (finding,) = validate_source(code, "typescript").findings
    assert finding.rule == "DR005" and finding.fix is not None
    assert finding.fix.edits[0].text == "child"


def test_floating_operation_gets_an_await_autofix() -> None:
    code = SDK + textwrap.dedent("""
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          context.wait("pause", { seconds: 30 });
        });
    """)
    (finding,) = validate_source(code, "typescript").findings
    assert finding.rule == "DR011" and finding.fix is not None
    assert finding.fix.edits[0].text == "await " and finding.fix.applicability == "safe"


def test_console_fix_uses_context_logger() -> None:
    code = SDK + textwrap.dedent("""
        export const handler = withDurableExecution(async (e: any, ctx: DurableContext) => {
          console.warn("x");
        });
    """)
    (finding,) = validate_source(code, "typescript").findings
    assert finding.fix is not None and finding.fix.edits[0].text == "ctx.logger.warn"


def test_suppression_comment_in_typescript() -> None:
    code = SDK + textwrap.dedent("""
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          const t = Date.now(); // durable-ignore DR001
          // durable-ignore DR002
          const r = Math.random();
          const u = 1; // durable-ignore DR003
        });
    """)
    assert check(code) == [(7, "DU001")]


def test_require_destructuring_alias_is_resolved_in_javascript() -> None:
    code = textwrap.dedent("""
        const { withDurableExecution } = require("@aws/durable-execution-sdk-js");
        const { v4: makeId } = require("uuid");
        exports.handler = withDurableExecution(async (event, context) => makeId());
    """)
    assert check(code, "javascript") == [(4, "DR002")]


def test_env_read_is_reported_only_when_selected() -> None:
    code = SDK + textwrap.dedent("""
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          if (process.env.NEW_FLOW === "on") await context.step("x", async () => 1);
          return process.env.AWS_REGION;
        });
    """)
    assert check(code) == []
    report = validate_source(textwrap.dedent(code), "typescript", select=["DR017"])
    assert [(f.line, f.rule) for f in report.findings] == [(4, "DR017")]


def test_tsx_file_parses() -> None:
    code = SDK + "export const View = () => <div>{Date.now()}</div>;\n"
    report = validate_source(code, "typescript", path="view.tsx")
    assert report.findings == []
