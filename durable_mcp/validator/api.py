"""Library entry points: check paths or inline source and get a :class:`ValidationReport`."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import structlog

from durable_mcp.errors import UserError
from durable_mcp.validator.catalog import RULE_ORDER, RULES, default_selection
from durable_mcp.validator.discover import iter_files, language_for
from durable_mcp.validator.models import Finding, ValidationReport
from durable_mcp.validator.suppress import apply_suppressions, find_suppressions

log = structlog.get_logger()
LANGUAGES = ("python", "typescript", "javascript", "cloudformation", "sam")
_LANGUAGE_ALIASES = {"py": "python", "ts": "typescript", "js": "javascript", "node": "javascript",
                     "cfn": "cloudformation", "aws-sam": "sam"}
_DEFAULT_NAMES = {"python": "handler.py", "typescript": "handler.ts", "javascript": "handler.js",
                  "cloudformation": "template.yaml", "sam": "template.yaml"}


def resolve_selection(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> frozenset[str]:
    """The enabled rule ids: ``select`` replaces the defaults (prefixes like ``DR01`` allowed)."""

    def expand(codes: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for raw in codes:
            code = raw.strip().upper()
            if not code:
                continue
            matched = {rule for rule in RULE_ORDER if rule.startswith(code)}
            if not matched:
                raise UserError(f"Unknown rule {code!r}; rules are {', '.join(RULE_ORDER)}.")
            out |= matched
        return out

    chosen = expand(select) if select else set(default_selection())
    chosen.add("DR000")
    return frozenset(chosen - expand(ignore or ()))


def _analyse(source: str, language: str, path: str) -> list[Finding]:
    if language in ("cloudformation", "sam"):
        from durable_mcp.validator.templates import check_template

        return check_template(source, path, language)
    from durable_mcp.validator.columns import in_characters
    from durable_mcp.validator.engine import analyse

    # Every replay region and test marker names the SDK ("durable_execution", "DurableContext",
    # "@aws/durable-execution-sdk-js-testing", ...): other files only need their syntax checked.
    syntax_only = "urable" not in source
    try:
        if language == "python":
            from durable_mcp.validator.frontend_py import lower_python

            module = lower_python(source, path, syntax_only=syntax_only)
        else:
            from durable_mcp.validator.frontend_ts import lower_script

            module = lower_script(source, path, language, syntax_only=syntax_only)
    except SyntaxError as exc:
        line = exc.lineno or 1
        column = exc.offset or 1
        return [_syntax_finding(path, line, column, exc.msg or "invalid syntax")]
    except (ValueError, RecursionError) as exc:  # null bytes, pathologically deep nesting
        return [_syntax_finding(path, 1, 1, str(exc) or type(exc).__name__)]
    return in_characters(analyse(module, path), source)


def _syntax_finding(path: str, line: int, column: int, message: str) -> Finding:
    return Finding(rule="DR000", severity="error", path=path, line=line, column=max(column, 1), end_line=line,
                   end_column=max(column, 1), message=f"Cannot parse the file: {message}")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic GC while one file is analysed.

    The syntax tree and the IR are tens of thousands of acyclic objects that live exactly as long as the
    analysis; full collections would traverse them repeatedly (a third of the time on large files).
    Only the caller that found the collector enabled turns it back on, so concurrent callers are safe.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_source(source: str, language: str, path: str, selected: frozenset[str]) -> list[Finding]:
    """All findings for one file, filtered by ``selected``, suppressed inline, one per rule and line."""
    try:
        with _collector_paused():
            raw = _analyse(source, language, path)
    except RecursionError:
        raw = [_syntax_finding(path, 1, 1, "nesting too deep to analyse")]
    seen: set[tuple[str, int]] = set()
    findings: list[Finding] = []
    for finding in sorted(raw, key=lambda f: (f.line, f.column, f.rule)):
        key = (finding.rule, finding.line)
        if finding.rule in selected and key not in seen:
            seen.add(key)
            findings.append(finding)
    if language in ("python", "typescript", "javascript"):
        findings = apply_suppressions(findings, find_suppressions(source, language), path, selected)
    return sorted(findings, key=lambda f: (f.line, f.column, f.rule))


def normalise_language(language: str) -> str:
    key = language.strip().lower()
    key = _LANGUAGE_ALIASES.get(key, key)
    if key not in LANGUAGES:
        raise UserError(f"Unsupported language {language!r}; use one of: {', '.join(LANGUAGES)}.")
    return key


def validate_source(source: str, language: str, path: str | None = None, select: Iterable[str] | None = None,
                    ignore: Iterable[str] | None = None) -> ValidationReport:
    """Check inline source in ``language`` (python|typescript|javascript|cloudformation|sam)."""
    key = normalise_language(language)
    name = path or _DEFAULT_NAMES[key]
    findings = check_source(source, key, name, resolve_selection(select, ignore))
    return build_report(1, findings)


def validate_paths(paths: Sequence[str | Path], select: Iterable[str] | None = None,
                   ignore: Iterable[str] | None = None) -> ValidationReport:
    """Check files and directories (walked, honouring .gitignore)."""
    selected = resolve_selection(select, ignore)
    if not paths:
        raise UserError("Give at least one file or directory to validate.")
    findings: list[Finding] = []
    checked = 0
    for raw in paths:
        root = Path(raw)
        if not root.exists():
            raise UserError(f"{raw}: no such file or directory.")
        for path in iter_files(root):
            try:
                data = path.read_bytes()
            except OSError as exc:
                log.warning("validator.unreadable", path=str(path), error=type(exc).__name__)
                continue
            text = data.decode("utf-8", errors="replace")
            language = language_for(path, text)
            if language is None:
                if root.is_file():
                    raise UserError(f"{raw}: not a Python, TypeScript, JavaScript or CloudFormation/SAM file.")
                continue
            checked += 1
            findings.extend(check_source(text, language, str(path), selected))
    return build_report(checked, findings)


def build_report(files_checked: int, findings: list[Finding]) -> ValidationReport:
    return ValidationReport(files_checked=files_checked, findings=findings,
                            summary=summarise(files_checked, findings))


def summarise(files_checked: int, findings: list[Finding]) -> str:
    plural = "" if files_checked == 1 else "s"
    if not findings:
        return f"No replay problems found in {files_checked} file{plural}."
    severities = Counter(f.severity for f in findings)
    counts = ", ".join(f"{severities[s]} {s}{'s' if severities[s] != 1 else ''}"
                       for s in ("error", "warning", "info") if severities[s])
    by_rule = Counter(f.rule for f in findings)
    order = sorted(by_rule, key=lambda r: (("error", "warning", "info").index(RULES[r].severity), r))
    top = "; ".join(f"{rule} x{by_rule[rule]} ({RULES[rule].summary}: {RULES[rule].help})" for rule in order[:5])
    return (f"{counts} in {files_checked} file{plural}. {top}. Fix errors first; each rule is explained at "
            "durable://reference/rules/<ID>.")
