"""TypeScript/JavaScript lowering paths that exist for speed: one tree walk, lazy spans, sliced text."""

from __future__ import annotations

import gc
import textwrap
import weakref

from durable_mcp.validator import validate_source
from durable_mcp.validator.frontend_ts import NodeSpan, ScriptLowering, _parser, lower_script
from durable_mcp.validator.ir import Source

SDK = 'import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";\n'


def findings(code: str, select: list[str] | None = None) -> list[tuple[int, int, str]]:
    report = validate_source(SDK + textwrap.dedent(code), "typescript", select=select)
    return [(f.line, f.column, f.rule) for f in report.findings]


def test_an_allowed_variable_read_through_a_method_is_not_an_environment_read() -> None:
    code = """
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          const region = process.env.AWS_REGION.trim();
          const secret = process.env.SECRET_NAME.trim();
          return [region, secret];
        });
    """
    assert findings(code, select=["DR017"]) == [(5, 18, "DR017")]


def test_columns_and_fix_text_stay_exact_after_non_ascii_text() -> None:
    code = """
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          const greeting = "héllo wörld ✓"; const at = Date.now();
          return { greeting, at };
        });
    """
    report = validate_source(SDK + textwrap.dedent(code), "typescript")
    (finding,) = report.findings
    assert (finding.line, finding.rule) == (4, "DR001")
    # Columns count characters (tree-sitter's byte columns are converted); the fix covers exactly `Date.now()`.
    line = (SDK + textwrap.dedent(code)).splitlines()[3]
    assert line[finding.column - 1:finding.end_column - 1] == "Date.now()"
    assert finding.fix is not None
    assert "Date.now()" in finding.fix.edits[0].text


def test_context_passed_to_an_earlier_helper_reaches_the_helpers_child_context() -> None:
    # The helper is lowered before the handler that hands it the context, so its operations are only
    # recognised in a later propagation round.
    code = """
        async function helper(ctx, id: string) {
          await ctx.runInChildContext("child", async (child) => {
            console.log("inside", id);
            await child.wait("pause", { seconds: 1 });
          });
        }
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          await helper(context, e.id);
        });
    """
    assert (5, 5, "DR008") in findings(code)


def test_calls_inside_an_enum_body_are_still_lowered() -> None:
    code = """
        enum Mode { Fast = Math.random() }
        export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
          return Mode.Fast;
        });
    """
    module = lower_script(SDK + textwrap.dedent(code), "handler.ts", "typescript")
    first = module.funcs[0].events[0]
    assert isinstance(first, Source)
    assert first.what == "Math.random()"


def test_type_positions_are_not_lowered() -> None:
    code = "let pick: typeof import('./x') = null as any;\nfunction f(cb: (x: number) => void): void {}\n"
    module = lower_script(code, "types.ts", "typescript")
    assert [func.name for func in module.funcs] == ["<module>", "f"]
    assert module.funcs[0].events == []


def test_spans_are_read_from_the_node_only_when_asked() -> None:
    module = lower_script(SDK + "export const f = () => Date.now();\n", "handler.ts", "typescript")
    source = module.funcs[1].events[0]
    assert isinstance(source.span, NodeSpan)
    assert (source.span.line, source.span.col, source.span.end_line, source.span.end_col) == (2, 24, 2, 34)


def test_the_lowering_is_freed_without_the_cyclic_collector() -> None:
    # A cycle through the lowering would keep the syntax tree and the IR alive until the next collection,
    # which then runs in the middle of some later call.
    source = SDK + "export const handler = withDurableExecution(async (e: any, context: DurableContext) => 1);\n"
    data = source.encode()
    parser = _parser("typescript", False)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        lowering = ScriptLowering(data, "typescript", False, source)
        lowering.lower(parser.parse(data).root_node)
        freed = weakref.ref(lowering)
        del lowering
        assert freed() is None
    finally:
        if was_enabled:
            gc.enable()
