"""Replay-rule validator (DR000-DR019, DT001-DT005): Python, TypeScript, JavaScript and CFN/SAM templates."""

from durable_mcp.validator.api import validate_paths, validate_source
from durable_mcp.validator.models import Edit, Finding, Fix, RouteStep, ValidationReport

__all__ = ["Edit", "Finding", "Fix", "RouteStep", "ValidationReport", "validate_paths", "validate_source"]
