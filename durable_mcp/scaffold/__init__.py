"""Project scaffolding: render durable function projects from templates and write them atomically.

``render_project(spec)`` renders (no I/O); ``write_project(preview, output_dir, overwrite=...,
allowed_roots=...)`` writes. ``PATTERNS`` lists the workflow patterns a project can start from.
"""

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
