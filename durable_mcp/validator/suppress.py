"""Inline suppressions: ``# durable: ignore[DR001]`` (Python) and ``// durable-ignore DR001`` (TS/JS)."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator

from durable_mcp.validator.catalog import RULES
from durable_mcp.validator.ir import Span, Suppression
from durable_mcp.validator.models import Finding

_PYTHON = re.compile(r"#\s*durable:\s*ignore\[([A-Za-z0-9_,\s]+)\]")
_SCRIPT = re.compile(r"//\s*durable-ignore\s+([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")


def _python_comments(source: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, text) of real comments, so a marker inside a string literal is not a suppression."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.start[1], token.string
    except (tokenize.TokenError, SyntaxError):
        return


def _script_comments(source: str) -> Iterator[tuple[int, int, str]]:
    for index, line in enumerate(source.splitlines(), start=1):
        start = line.find("//")
        while start != -1:
            before = line[:start]
            # Outside a string literal when every quote before it is closed.
            if all(before.count(quote) % 2 == 0 for quote in "'\"`"):
                yield index, start, line[start:]
                break
            start = line.find("//", start + 2)


def find_suppressions(source: str, language: str) -> list[Suppression]:
    marker = "durable:" if language == "python" else "durable-ignore"
    if marker not in source:
        return []
    pattern = _PYTHON if language == "python" else _SCRIPT
    comments = _python_comments(source) if language == "python" else _script_comments(source)
    lines = source.splitlines()
    found: list[Suppression] = []
    for line_number, column, text in comments:
        match = pattern.match(text)
        if match is None:
            continue
        rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
        own_line = not lines[line_number - 1][:column].strip()
        # A comment alone on its line silences the next line, like a pragma above a statement.
        found.append(Suppression(line_number, column + 1, rules, line_number + 1 if own_line else line_number))
    return found


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression], path: str,
                       selected: frozenset[str]) -> list[Finding]:
    used: set[tuple[int, str]] = set()
    by_line: dict[int, list[Suppression]] = {}
    for suppression in suppressions:
        by_line.setdefault(suppression.applies_to, []).append(suppression)
    kept: list[Finding] = []
    for finding in findings:
        silenced = False
        for suppression in by_line.get(finding.line, []):
            if finding.rule in suppression.rules:
                used.add((suppression.line, finding.rule))
                silenced = True
        if not silenced:
            kept.append(finding)
    if "DU001" not in selected:
        return kept
    for suppression in suppressions:
        for rule in suppression.rules:
            if (suppression.line, rule) in used or (rule in RULES and rule not in selected):
                continue
            span = Span(suppression.line, suppression.col, suppression.line, suppression.col)
            reason = "suppresses nothing on its line" if rule in RULES else "names an unknown rule"
            kept.append(Finding(
                rule="DU001", severity=RULES["DU001"].severity, path=path, line=span.line, column=span.col,
                end_line=span.end_line, end_column=span.end_col,
                message=f"Suppression of {rule} {reason}; remove it",
            ))
    return kept
