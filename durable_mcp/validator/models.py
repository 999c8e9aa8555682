"""Public result types of the validator (pydantic: they cross the library boundary)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

Severity = Literal["error", "warning", "info"]
Language = Literal["python", "typescript", "javascript", "cloudformation", "sam"]


class Edit(BaseModel):
    """Replace the text between two 1-based positions (end exclusive) with ``text``."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


class Fix(BaseModel):
    description: str
    applicability: Literal["safe", "suggestion"]
    edits: list[Edit]


class RouteStep(BaseModel):
    """One hop of a helper route: the call (or the source) at ``line``/``column`` inside ``function``."""

    function: str
    line: int
    column: int


class Finding(BaseModel):
    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Fix | None = None
    route: list[RouteStep] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def resource_uri(self) -> str:
        """The MCP resource explaining the rule."""
        return f"durable://reference/rules/{self.rule}"


class ValidationReport(BaseModel):
    files_checked: int
    findings: list[Finding]
    summary: str

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

