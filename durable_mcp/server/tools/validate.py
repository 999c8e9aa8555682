"""validate_durable_code: the replay-rule validator for files, folders or inline source."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server import MCPServer
from pydantic import BaseModel, Field

from durable_mcp.server.policy import Access
from durable_mcp.server.registry import add_tool
from durable_mcp.validator.models import Finding

TEMPLATE_LANGUAGES = ("cloudformation", "sam")


class LinkedFinding(Finding):
    docs: str = Field(description="MCP resource explaining the rule, its reason and the fix")


class ValidationResult(BaseModel):
    files_checked: int
    errors: int
    warnings: int
    summary: str
    findings: list[LinkedFinding]
    fixed_source: str | None = Field(
        default=None, description="inline source only: the source with every safe autofix applied (None if none)")


def validate_durable_code(
    paths: Annotated[list[str] | None, Field(description="files or folders to check (folders are walked)")] = None,
    source: Annotated[str | None, Field(description="inline code or template to check instead of paths")] = None,
    language: Annotated[
        str | None, Field(description="for inline source: python, typescript, javascript, cloudformation or sam")
    ] = None,
    select: Annotated[list[str] | None, Field(description="only these rules, e.g. ['DR001', 'DR01']")] = None,
    ignore: Annotated[list[str] | None, Field(description="skip these rules")] = None,
) -> ValidationResult:
    """Check durable handlers, their tests and CloudFormation/SAM templates against the replay rules
    (DR000-DR019) and template rules; each finding has its line, the fix and a docs resource."""
    from durable_mcp.errors import UserError, check_language
    from durable_mcp.validator.api import validate_paths, validate_source

    fixed_source: str | None = None
    if source is not None:
        if not language:
            raise UserError("Give language with inline source: python, typescript, javascript, cloudformation or sam.")
        if language.strip().lower() not in TEMPLATE_LANGUAGES:
            language = check_language(language)
        report = validate_source(source, language, select=select, ignore=ignore)
        fixed_source = _with_safe_fixes(source, report.findings)
    elif paths:
        report = validate_paths(paths, select=select, ignore=ignore)
    else:
        raise UserError("Give paths to check, or inline source with its language.")
    findings = [LinkedFinding(**f.model_dump(), docs=f.resource_uri) for f in report.findings]
    return ValidationResult(
        files_checked=report.files_checked,
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        summary=report.summary,
        findings=findings,
        fixed_source=fixed_source,
    )


def _with_safe_fixes(source: str, findings: list[Finding]) -> str | None:
    from durable_mcp.validator.autofix import apply_fixes

    safe = [f.fix for f in findings if f.fix is not None and f.fix.applicability == "safe"]
    fixed, applied = apply_fixes(source, safe)
    return fixed if applied else None


def register(mcp: MCPServer[Any]) -> None:
    add_tool(mcp, validate_durable_code, name="validate_durable_code", title="Validate durable code",
             access=Access.READ, open_world=False, idempotent=True)
