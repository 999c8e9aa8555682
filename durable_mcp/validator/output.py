"""Render a report as text, the JSON contract, or SARIF 2.1.0."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from durable_mcp import __version__
from durable_mcp.validator.catalog import RULE_ORDER, RULES
from durable_mcp.validator.models import Finding, Fix, ValidationReport

SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def render_text(report: ValidationReport) -> str:
    lines: list[str] = []
    for f in report.findings:
        lines.append(f"{f.path}:{f.line}:{f.column} {f.severity} {f.rule} {f.message}")
        if len(f.route) > 1:
            hops = " -> ".join(f"{step.function}:{step.line}" for step in f.route)
            lines.append(f"    route: {hops}")
        lines.append(f"    fix: {describe_fix(f)}")
        lines.append(f"    see: {f.resource_uri}")
    lines.append(report.summary)
    return "\n".join(lines) + "\n"


def describe_fix(finding: Finding) -> str:
    fix = finding.fix
    if fix is None:
        return RULES[finding.rule].help
    replacement = "; ".join(f"line {e.line}: {e.text!r}" for e in fix.edits)
    kind = "autofix" if fix.applicability == "safe" else "suggestion"
    return f"{fix.description} ({kind}: {replacement})"


def json_payload(report: ValidationReport) -> dict[str, Any]:
    return {
        "files_checked": report.files_checked,
        "findings": [
            {
                "rule": f.rule, "severity": f.severity, "path": f.path, "line": f.line, "column": f.column,
                "end_line": f.end_line, "end_column": f.end_column, "message": f.message,
                "fix": f.fix.model_dump() if f.fix is not None else None,
            }
            for f in report.findings
        ],
    }


def render_json(report: ValidationReport) -> str:
    return json.dumps(json_payload(report), indent=2) + "\n"


def _uri(path: str) -> str:
    candidate = Path(path)
    try:
        return candidate.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return candidate.as_posix()


def _region(line: int, column: int, end_line: int | None = None, end_column: int | None = None) -> dict[str, int]:
    region = {"startLine": line, "startColumn": column}
    if end_line is not None and end_column is not None and (end_line, end_column) >= (line, column):
        region["endLine"] = end_line
        region["endColumn"] = end_column
    return region


def _fingerprint(finding: Finding, snippet: str) -> str:
    digest = hashlib.sha256(f"{finding.rule}\0{_uri(finding.path)}\0{' '.join(snippet.split())}".encode())
    return digest.hexdigest()[:32]


def _snippet(finding: Finding, cache: dict[str, list[str]]) -> str:
    lines = cache.get(finding.path)
    if lines is None:
        try:
            lines = Path(finding.path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        cache[finding.path] = lines
    return lines[finding.line - 1] if 0 < finding.line <= len(lines) else finding.message


def _sarif_fix(fix: Fix, uri: str) -> dict[str, Any]:
    return {
        "description": {"text": fix.description},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri},
            "replacements": [{
                "deletedRegion": _region(e.line, e.column, e.end_line, e.end_column),
                "insertedContent": {"text": e.text},
            } for e in fix.edits],
        }],
    }


def render_sarif(report: ValidationReport) -> str:
    index = {rule: i for i, rule in enumerate(RULE_ORDER)}
    descriptors = [{
        "id": rule.id, "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary}. {rule.help}"},
        "help": {"text": rule.help},
        "helpUri": rule.uri,
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity], "enabled": rule.default_enabled},
    } for rule in (RULES[r] for r in RULE_ORDER)]
    cache: dict[str, list[str]] = {}
    results = []
    for f in report.findings:
        uri = _uri(f.path)
        result: dict[str, Any] = {
            "ruleId": f.rule, "ruleIndex": index[f.rule], "level": SARIF_LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                                "region": _region(f.line, f.column, f.end_line, f.end_column)}}],
            "partialFingerprints": {"replayRule/v1": _fingerprint(f, _snippet(f, cache))},
        }
        if f.fix is not None:
            result["fixes"] = [_sarif_fix(f.fix, uri)]
        if len(f.route) > 1:
            result["codeFlows"] = [{"threadFlows": [{"locations": [{
                "location": {
                    "physicalLocation": {"artifactLocation": {"uri": uri},
                                         "region": _region(step.line, step.column)},
                    "message": {"text": f"in {step.function}"},
                },
            } for step in f.route]}]}]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "durable-mcp-validator", "version": __version__,
                                "informationUri": "durable://reference/rules", "rules": descriptors}},
            "results": results,
            "columnKind": "unicodeCodePoints",  # columns count characters (see validator/columns.py)
        }],
    }
    return json.dumps(log, indent=2) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "sarif": render_sarif}
