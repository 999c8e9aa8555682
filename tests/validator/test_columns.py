"""Columns count characters, not the UTF-8 bytes both parsers report, so a column and an autofix land on
the reported code even after non-ASCII text on the same line."""

from __future__ import annotations

import json
import textwrap

from durable_mcp.validator.api import validate_source
from durable_mcp.validator.output import render_sarif

TS = textwrap.dedent("""\
    import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";
    export const handler = withDurableExecution(async (e: any, context: DurableContext) => {
      const greeting = "héllo ✓ 👋"; console.log(greeting);
      return greeting;
    });
""")
PY = textwrap.dedent("""\
    import time
    from aws_durable_execution_sdk_python import DurableContext, durable_execution

    @durable_execution
    def handler(event, context: DurableContext):
        label = "größe ✓"; started = time.time()
        return label, started
""")


def apply(source: str, edit: dict[str, int | str]) -> str:
    lines = source.split("\n")
    assert edit["line"] == edit["end_line"]
    row = int(edit["line"]) - 1
    start, end = int(edit["column"]) - 1, int(edit["end_column"]) - 1
    lines[row] = lines[row][:start] + str(edit["text"]) + lines[row][end:]
    return "\n".join(lines)


def test_a_typescript_finding_and_its_autofix_point_at_the_code_after_non_ascii_text() -> None:
    (finding,) = validate_source(TS, "typescript").findings
    line = TS.split("\n")[finding.line - 1]
    assert finding.rule == "DR008"
    assert line[finding.column - 1:finding.end_column - 1] == "console.log(greeting)"
    assert finding.fix is not None and finding.fix.applicability == "safe"
    fixed = apply(TS, finding.fix.edits[0].model_dump())
    assert 'const greeting = "héllo ✓ 👋"; context.logger.info(greeting);' in fixed
    assert validate_source(fixed, "typescript").findings == []


def test_a_python_finding_points_at_the_call_after_non_ascii_text() -> None:
    (finding,) = validate_source(PY, "python").findings
    line = PY.split("\n")[finding.line - 1]
    assert finding.rule == "DR001"
    assert line[finding.column - 1:finding.end_column - 1] == "time.time()"


def test_a_syntax_error_column_counts_characters_too() -> None:
    source = 'const label = "ünïcode"; const = 1;\n'
    (finding,) = validate_source(source, "typescript").findings
    assert finding.rule == "DR000"
    assert source[finding.column - 1:].startswith("const = 1")


def test_sarif_declares_that_columns_count_code_points() -> None:
    log = json.loads(render_sarif(validate_source(TS, "typescript")))
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"
