"""`durable-mcp validate --fix`: safe autofixes are applied to the files, suggestions are not, overlapping
edits wait for the next run, and what remains is reported as usual."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from durable_mcp.validator.autofix import apply_fixes
from durable_mcp.validator.models import Edit, Fix

HANDLER_TS = textwrap.dedent("""\
    import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

    export const handler = withDurableExecution(async (event: { id: string }, context: DurableContext) => {
      console.log("start", event.id);
      context.wait("cool-off", { seconds: 30 });
      await context.runInChildContext("child", async (child) => {
        await context.step("inner", async () => 1);
      });
      const at = Date.now();
      return at;
    });
""")
HANDLER_PY = textwrap.dedent("""\
    from aws_durable_execution_sdk_python import DurableContext, durable_execution


    @durable_execution
    def handler(event, context: DurableContext):
        try:
            context.invoke("worker", {}, name="call")
        except:
            pass
        return "ok"
""")


def fix(*edits: tuple[int, int, int, int, str]) -> Fix:
    return Fix(description="d", applicability="safe",
               edits=[Edit(line=a, column=b, end_line=c, end_column=d, text=t) for a, b, c, d, t in edits])


def test_edits_apply_by_line_and_character_column_and_overlaps_wait() -> None:
    text = "alpha béta\ngamma\n"
    fixed, applied = apply_fixes(text, [
        fix((1, 7, 1, 11, "BETA")),  # replaces "béta"
        fix((2, 1, 2, 1, "await ")),  # an insertion
        fix((1, 8, 1, 9, "E")),  # overlaps the first fix: left for the next run
    ])
    assert (fixed, applied) == ("alpha BETA\nawait gamma\n", 2)


def test_validate_fix_applies_the_safe_fixes_and_reports_what_remains(tmp_path: Path) -> None:
    (tmp_path / "handler.ts").write_text(HANDLER_TS)
    (tmp_path / "handler.py").write_text(HANDLER_PY)

    done = subprocess.run([sys.executable, "-m", "durable_mcp", "validate", str(tmp_path), "--fix",
                           "--format", "json"], capture_output=True, text=True, timeout=120, check=False)

    assert "Fixed 4 findings in 2 files." in done.stderr, done.stderr
    ts = (tmp_path / "handler.ts").read_text()
    assert 'context.logger.info("start", event.id);' in ts  # DR008
    assert 'await context.wait("cool-off", { seconds: 30 });' in ts  # DR011
    assert 'await child.step("inner", async () => 1);' in ts  # DR005
    assert "const at = Date.now();" in ts  # DR001's fix is a suggestion: left to the author
    assert "except Exception:" in (tmp_path / "handler.py").read_text()  # DR012
    remaining = json.loads(done.stdout)  # stdout stays the report alone
    assert [(f["rule"], Path(f["path"]).name) for f in remaining["findings"]] == [("DR001", "handler.ts")]
    assert done.returncode == 1  # DR001 is an error

    again = subprocess.run([sys.executable, "-m", "durable_mcp", "validate", str(tmp_path), "--fix"],
                           capture_output=True, text=True, timeout=120, check=False)
    assert "Fixed 0 findings in 0 files." in again.stderr
    assert (tmp_path / "handler.ts").read_text() == ts


def test_every_safe_fix_in_the_corpus_removes_its_finding_and_keeps_the_file_parsing(corpus: Path) -> None:
    from durable_mcp.validator.api import check_source, resolve_selection
    from durable_mcp.validator.discover import language_for
    from durable_mcp.validator.models import Finding

    selected = resolve_selection()
    fixed_files = 0
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        language = language_for(path, text)
        if language not in ("python", "typescript", "javascript"):
            continue
        before = check_source(text, language, str(path), selected)
        safe = [f for f in before if f.fix is not None and f.fix.applicability == "safe"]
        if not safe:
            continue
        fixed, applied = apply_fixes(text, [f.fix for f in safe if f.fix is not None])
        after = check_source(fixed, language, str(path), selected)

        def keys(findings: list[Finding]) -> set[tuple[int, str]]:
            return {(f.line, f.rule) for f in findings}

        assert not any(f.rule == "DR000" for f in after), (path, fixed)
        assert applied == len(safe), path  # no two safe fixes of one file overlap
        assert not keys(safe) & keys(after), (path, sorted(keys(safe) & keys(after)))
        assert keys(after) <= keys(before), (path, sorted(keys(after) - keys(before)))  # nothing new
        fixed_files += 1
    assert fixed_files >= 8
