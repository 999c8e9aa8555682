"""Inline suppressions: ``# durable: ignore[DR001]`` (Python) and ``// durable-ignore DR001`` (TS/JS)."""

from __future__ import annotations

import re

from durable_mcp.validator.catalog import RULES
from durable_mcp.validator.ir import Span, Suppression
from durable_mcp.validator.models import Finding

_PYTHON = re.compile(r"#\s*durable:\s*ignore\[([A-Za-z0-9_,\s]+)\]")
_SCRIPT = re.compile(r"//\s*durable-ignore\s+([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")


def find_suppressions(source: str, language: str) -> list[Suppression]:
    marker = "durable:" if language == "python" else "durable-ignore"
    if marker not in source:
        return []
    pattern = _PYTHON if language == "python" else _SCRIPT
    found: list[Suppression] = []
    for index, line in enumerate(source.splitlines(), start=1):
        match = pattern.search(line)
        if match is None:
            continue
        rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
        own_line = not line[: match.start()].strip()
        # A comment alone on its line silences the next line, like a pragma above a statement.
        found.append(Suppression(index, match.start() + 1, rules, index + 1 if own_line else index))
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
