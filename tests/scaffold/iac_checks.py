"""Offline checks of generated infrastructure: SAM translation and cfn-lint."""

from __future__ import annotations

import json
import os
from typing import Any

from cfnlint.api import ManualArgs, lint
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

REGION = "us-east-1"
# `sam package` replaces local code paths with uploaded S3 locations; the translator requires one.
PACKAGED_CODE = "s3://example-bucket/function.zip"


class _NoManagedPolicyNames:
    """The templates name managed policies by ARN, so the translator never needs to look one up."""

    def load(self) -> dict[str, str]:
        return {}


def translate_sam(text: str) -> dict[str, Any]:
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    document = yaml_parse(text)
    for resource in document["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = PACKAGED_CODE
    translated: dict[str, Any] = transform(document, {}, _NoManagedPolicyNames())
    return translated


def cfn_lint(template: str | dict[str, Any]) -> list[str]:
    """cfn-lint's findings (every level) as readable strings; empty means the template passes."""
    text = template if isinstance(template, str) else json.dumps(template)
    return [str(match) for match in lint(text, config=ManualArgs(regions=[REGION]))]
