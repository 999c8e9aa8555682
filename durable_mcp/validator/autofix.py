"""Apply the safe autofixes of a report to the files it checked (``durable-mcp validate --fix``).

Only fixes marked ``safe`` are applied: they keep the program's meaning apart from the replay bug
(``await`` a floating operation, log through ``context.logger``, use the callback's own context, catch
``Exception`` instead of ``BaseException``). Suggestions, which need a human's judgement (a step's
name, where a value should be checkpointed), are left to the reader. A fix whose edits overlap one
already taken is left for the next run, and a file that would no longer parse is not written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from durable_mcp.files import write_atomically
from durable_mcp.validator.models import Edit, Finding, Fix


class FixOutcome(BaseModel):
    fixed: int
    """Findings whose safe fix was applied."""
    files: list[str]
    """Files that were rewritten."""
    skipped: list[str]
    """Why a file's fixes were not written (it would not have parsed)."""


def _offsets(text: str) -> list[int]:
    """Offset of the first character of each line (1-based line n starts at ``starts[n - 1]``)."""
    return [0, *(match.end() for match in re.finditer("\n", text))]


def _span(starts: list[int], edit: Edit) -> tuple[int, int]:
    def offset(line: int, column: int) -> int:
        return starts[min(line, len(starts)) - 1] + column - 1

    return offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """``text`` with every fix whose edits overlap no earlier one applied, and how many were applied."""
    starts = _offsets(text)
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, str]] = []
    applied = 0
    for fix in fixes:
        spans = [_span(starts, edit) for edit in fix.edits]
        if any(start > end or end > len(text) for start, end in spans):
            continue
        if any((start < other_end and other_start < end) or start == end == other_start
               for start, end in spans for other_start, other_end in taken):
            continue
        taken.extend(spans)
        chosen.extend((start, end, edit.text) for (start, end), edit in zip(spans, fix.edits, strict=True))
        applied += 1
    for start, end, replacement in sorted(chosen, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, applied


def apply_safe_fixes(findings: list[Finding], selected: frozenset[str]) -> FixOutcome:
    """Apply the safe fixes of ``findings`` to their files, each file only if it still parses afterwards."""
    from durable_mcp.validator.api import check_source
    from durable_mcp.validator.discover import language_for

    by_path: dict[str, list[Fix]] = defaultdict(list)
    for finding in findings:
        if finding.fix is not None and finding.fix.applicability == "safe":
            by_path[finding.path].append(finding.fix)
    outcome = FixOutcome(fixed=0, files=[], skipped=[])
    for name, fixes in by_path.items():
        path = Path(name)
        try:
            original = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            outcome.skipped.append(f"{name}: not fixed, it could not be read back as UTF-8 ({exc})")
            continue
        fixed, applied = apply_fixes(original, fixes)
        language = language_for(path, fixed)
        if not applied or fixed == original or language is None:
            continue
        if any(f.rule == "DR000" for f in check_source(fixed, language, name, selected | {"DR000"})):
            outcome.skipped.append(f"{name}: not fixed, the fixed text would not parse (please report this)")
            continue
        write_atomically(path, fixed.encode("utf-8"))
        outcome.fixed += applied
        outcome.files.append(name)
    return outcome
