"""What `cdk deploy` synthesized for a stack, read from the cloud assembly it left on disk (cdk.out).

The CLI's output names neither the region a stack's ``env`` pins nor the bucket its code went to, and
prints no change set ARN when there is nothing to change; the assembly's manifest says all three.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

_STACK = "aws:cloudformation:stack"
_ASSET_MANIFEST = "cdk:asset-manifest"
_UNKNOWN_REGION = "unknown-region"
_NESTED_ASSEMBLY = "cdk:cloud-assembly"  # a Stage's stacks, in a folder of their own
_MAX_NESTING = 8


class SynthesizedStack(BaseModel):
    stack_name: str
    """The CloudFormation name (the app's ``stackName``, else the stack id)."""
    region: str | None
    """The region the app pins the stack to; None when it deploys wherever the CLI runs."""
    asset_buckets: list[str]
    """Buckets the stack's assets (code, templates) are published to, with account and region filled in."""


def _output_dir(project_dir: Path) -> Path:
    output = _read_json(project_dir / "cdk.json").get("output")
    return project_dir / (output if isinstance(output, str) and output else "cdk.out")


def _read_json(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; empty when it is missing, unreadable or not an object."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _entries(value: Any) -> list[dict[str, Any]]:
    return [item for item in value.values() if isinstance(item, dict)] if isinstance(value, dict) else []


def _find_stack(assembly: Path, stack_id: str, depth: int = 0) -> tuple[Path, dict[str, Any], dict[str, Any]] | None:
    """(assembly folder, its artifacts, the stack's entry) for ``stack_id``: a top-level stack id, or the
    path the CLI lists for a stack inside a Stage (``Prod/Orders``), which lives in a nested assembly
    (``assembly-Prod/``) under an artifact id of its own."""
    artifacts = _read_json(assembly / "manifest.json").get("artifacts")
    if not isinstance(artifacts, dict) or depth > _MAX_NESTING:
        return None
    for artifact_id, entry in artifacts.items():
        if not isinstance(entry, dict) or entry.get("type") != _STACK:
            continue
        if stack_id in (artifact_id, entry.get("displayName")):
            return assembly, artifacts, entry
    for entry in _entries(artifacts):
        directory = (entry.get("properties") or {}).get("directoryName")
        if entry.get("type") == _NESTED_ASSEMBLY and isinstance(directory, str) and directory:
            found = _find_stack(assembly / directory, stack_id, depth + 1)
            if found is not None:
                return found
    return None


def read_synthesized_stack(
    project_dir: Path, stack_id: str, *, account: str, region: str
) -> SynthesizedStack | None:
    """The stack ``stack_id`` as last synthesized; None when the assembly is missing or lacks it."""
    found = _find_stack(_output_dir(project_dir), stack_id)
    if found is None:
        return None
    assembly, artifacts, stack = found
    properties = stack.get("properties") or {}
    pinned = str(stack.get("environment", "")).rsplit("/", 1)[-1]
    stack_region = pinned if pinned and pinned != _UNKNOWN_REGION else None
    names = {"${AWS::AccountId}": account, "${AWS::Region}": stack_region or region}
    buckets: list[str] = []
    for dependency in stack.get("dependencies") or []:
        entry = artifacts.get(dependency)
        if not isinstance(entry, dict) or entry.get("type") != _ASSET_MANIFEST:
            continue
        assets = _read_json(assembly / str((entry.get("properties") or {}).get("file", "")))
        for asset in _entries(assets.get("files")):
            for destination in _entries(asset.get("destinations")):
                bucket = str(destination.get("bucketName", ""))
                for placeholder, value in names.items():
                    bucket = bucket.replace(placeholder, value)
                if bucket and bucket not in buckets:
                    buckets.append(bucket)
    return SynthesizedStack(
        stack_name=str(properties.get("stackName") or stack_id), region=stack_region, asset_buckets=buckets
    )
