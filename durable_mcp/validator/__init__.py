"""Replay-rule validator (DR000-DR019, DT001-DT005): Python, TypeScript, JavaScript and CFN/SAM templates.

Exports load on first use, so importing the models does not load the parsers.
"""

from typing import TYPE_CHECKING

from durable_mcp._lazy import lazy_exports

if TYPE_CHECKING:
    from durable_mcp.validator.api import validate_paths, validate_source
    from durable_mcp.validator.models import Edit, Finding, Fix, RouteStep, ValidationReport

__all__ = ["Edit", "Finding", "Fix", "RouteStep", "ValidationReport", "validate_paths", "validate_source"]

__getattr__ = lazy_exports(__name__, {
    "validate_paths": "durable_mcp.validator.api",
    "validate_source": "durable_mcp.validator.api",
    **dict.fromkeys(("Edit", "Finding", "Fix", "RouteStep", "ValidationReport"), "durable_mcp.validator.models"),
})
