"""Detect a project's infrastructure-as-code flavour and load its template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from durable_mcp.aws.deploy.models import Method, ResolvedMethod
from durable_mcp.errors import UserError, check_framework

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def find_template(project_dir: Path) -> Path | None:
    for name in TEMPLATE_NAMES:
        candidate = project_dir / name
        if candidate.is_file():
            return candidate
    return None


def load_template(path: Path) -> dict[str, Any]:
    """Parse YAML or JSON CloudFormation, turning short-form tags (``!Ref``...) into long form."""
    from samtranslator.yaml_helper import yaml_parse

    try:
        template = yaml_parse(path.read_text(encoding="utf-8"))
    except Exception as exc:
        raise UserError(f"{path} is not valid YAML/JSON: {exc}") from exc
    if not isinstance(template, dict):
        raise UserError(f"{path} is not a CloudFormation template (expected a mapping at the top).")
    return template


def is_sam(template: dict[str, Any]) -> bool:
    transform = template.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    return any(isinstance(item, str) and item.startswith("AWS::Serverless") for item in transforms)


def detect_method(project_dir: Path, method: Method = "auto") -> ResolvedMethod:
    """template.yaml with the Serverless transform -> sam; cdk.json -> cdk; other templates -> cloudformation."""
    if not project_dir.is_dir():
        raise UserError(f"Project directory not found: {project_dir}")
    if method != "auto":
        resolved = check_framework(method)
        return "sam" if resolved == "sam" else "cdk" if resolved == "cdk" else "cloudformation"
    template_path = find_template(project_dir)
    if template_path is not None:
        template = load_template(template_path)
        if is_sam(template):
            return "sam"
        if isinstance(template.get("Resources"), dict):
            return "cloudformation"
    if (project_dir / "cdk.json").is_file():
        return "cdk"
    raise UserError(
        f"No infrastructure as code found in {project_dir}: expected template.yaml (SAM or CloudFormation) "
        "or cdk.json (CDK)."
    )
