"""Project scaffolding: render durable function projects from templates and write them atomically.

``render_project(spec)`` renders (no I/O); ``write_project(preview, output_dir, overwrite=...,
allowed_roots=...)`` writes. ``PATTERNS`` lists the workflow patterns a project can start from.
Exports load on first use, so importing the models does not load jinja2.
"""

from typing import TYPE_CHECKING

from durable_mcp._lazy import lazy_exports

if TYPE_CHECKING:
    from durable_mcp.scaffold.models import ProjectFile, ProjectPreview, ProjectSpec, WrittenProject
    from durable_mcp.scaffold.patterns import PATTERNS, Pattern
    from durable_mcp.scaffold.render import render_project
    from durable_mcp.scaffold.writer import write_project

__all__ = [
    "PATTERNS",
    "Pattern",
    "ProjectFile",
    "ProjectPreview",
    "ProjectSpec",
    "WrittenProject",
    "render_project",
    "write_project",
]

__getattr__ = lazy_exports(__name__, {
    "ProjectFile": "durable_mcp.scaffold.models",
    "ProjectPreview": "durable_mcp.scaffold.models",
    "ProjectSpec": "durable_mcp.scaffold.models",
    "WrittenProject": "durable_mcp.scaffold.models",
    "PATTERNS": "durable_mcp.scaffold.patterns",
    "Pattern": "durable_mcp.scaffold.patterns",
    "render_project": "durable_mcp.scaffold.render",
    "write_project": "durable_mcp.scaffold.writer",
})
