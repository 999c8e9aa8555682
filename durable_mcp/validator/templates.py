"""CloudFormation / SAM checks: DurableConfig, role permissions, qualified invocation, cfn-lint errors."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import structlog

from durable_mcp.validator.catalog import RULES
from durable_mcp.validator.models import Finding

log = structlog.get_logger()

DURABLE_POLICY = "AWSLambdaBasicDurableExecutionRolePolicy"
DURABLE_ACTIONS = ("lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState")
FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
MAX_TIMEOUT = 31_622_400
MAX_RETENTION = 90
# Resources that only describe or publish the function; a reference from them is not an invocation.
NON_INVOKING_PREFIXES = ("AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::Function", "AWS::IAM::",
                         "AWS::Logs::", "AWS::CloudWatch::", "AWS::Serverless::Function", "AWS::Lambda::LayerVersion",
                         "AWS::Lambda::EventInvokeConfig", "AWS::CloudFormation::", "AWS::SSM::Parameter")
HANDLER_MARKERS = re.compile(r"durable_execution|withDurableExecution")
# Names the SAM translator may look up; a fixed map avoids an IAM ListPolicies call.
KNOWN_MANAGED_POLICIES = {
    name: f"arn:aws:iam::aws:policy/{path}"
    for name, path in {
        DURABLE_POLICY: f"service-role/{DURABLE_POLICY}",
        "AWSLambdaBasicExecutionRole": "service-role/AWSLambdaBasicExecutionRole",
        "AWSLambdaRole": "service-role/AWSLambdaRole",
        "AWSXRayDaemonWriteAccess": "AWSXRayDaemonWriteAccess",
        "AWSLambdaVPCAccessExecutionRole": "service-role/AWSLambdaVPCAccessExecutionRole",
        "AmazonDynamoDBFullAccess": "AmazonDynamoDBFullAccess",
        "AmazonS3ReadOnlyAccess": "AmazonS3ReadOnlyAccess",
    }.items()
}


def _key(mapping: Any, name: str) -> Any:
    """The key object of ``mapping[name]``: cfn-lint's decoder keeps its source position."""
    if isinstance(mapping, dict):
        for key in mapping:
            if key == name:
                return key
    return None


def _line(node: Any, default: int = 1) -> tuple[int, int]:
    mark = getattr(node, "start_mark", None)
    if mark is None:
        return default, 1
    return mark.line + 1, mark.column + 1


class TemplateCheck:
    def __init__(self, template: dict[str, Any], path: str, language: str) -> None:
        self.template = template
        self.path = path
        self.language = language
        resources = template.get("Resources")
        self.resources: dict[str, Any] = resources if isinstance(resources, dict) else {}
        self.findings: list[Finding] = []

    def report(self, rule: str, node: Any, message: str, default_line: int = 1) -> None:
        line, column = _line(node, default_line)
        self.findings.append(Finding(rule=rule, severity=RULES[rule].severity, path=self.path, line=line,
                                     column=column, end_line=line, end_column=column, message=message))

    def functions(self) -> Iterator[tuple[str, Any, dict[str, Any]]]:
        for logical_id, resource in self.resources.items():
            if isinstance(resource, dict) and resource.get("Type") in FUNCTION_TYPES:
                props = resource.get("Properties")
                yield logical_id, resource, props if isinstance(props, dict) else {}

    def global_durable_config(self) -> Any:
        globals_ = self.template.get("Globals")
        function = globals_.get("Function") if isinstance(globals_, dict) else None
        return function.get("DurableConfig") if isinstance(function, dict) else None

    def run(self) -> list[Finding]:
        global_config = self.global_durable_config()
        if global_config is not None:
            self.check_config(global_config, "Globals.Function")
        for logical_id, resource, props in self.functions():
            config = props.get("DurableConfig")
            if config is None and resource.get("Type") == "AWS::Serverless::Function":
                config = global_config
            elif config is not None:
                self.check_config(config, logical_id)
            if config is None:
                if self.looks_durable(props):
                    self.report("DT001", _key(self.resources, logical_id) or resource,
                                f"{logical_id} runs a durable handler but has no DurableConfig: without it the "
                                "function is not a durable function and every operation fails")
                continue
            self.check_role(logical_id, resource, props)
            self.check_invocations(logical_id, resource, props)
        return self.findings

    def check_config(self, config: Any, owner: str) -> None:
        if not isinstance(config, dict):
            if not self.is_intrinsic(config):
                self.report("DT002", config, f"{owner}: DurableConfig must be a mapping")
            return
        for key in config:
            if key not in ("ExecutionTimeout", "RetentionPeriodInDays", "KMSKeyArn"):
                self.report("DT002", config, f"{owner}: unknown DurableConfig property {key}")
        bounds = {"ExecutionTimeout": MAX_TIMEOUT, "RetentionPeriodInDays": MAX_RETENTION}
        if "ExecutionTimeout" not in config:
            self.report("DT002", config, f"{owner}: DurableConfig.ExecutionTimeout is required (1-{MAX_TIMEOUT} s)")
        for key, maximum in bounds.items():
            value = config.get(key)
            if value is None or self.is_intrinsic(value):
                continue
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            if isinstance(value, str) and value.strip().isdigit():
                number = int(value)
            if number is None or not 1 <= number <= maximum:
                self.report("DT002", config, f"{owner}: DurableConfig.{key} is {value!r}; it must be an integer "
                                             f"from 1 to {maximum}")

    @staticmethod
    def is_intrinsic(value: Any) -> bool:
        return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Ref", "Fn::"))

    def looks_durable(self, props: dict[str, Any]) -> bool:
        code = props.get("Code")
        inline = props.get("InlineCode") or (code.get("ZipFile") if isinstance(code, dict) else None)
        if isinstance(inline, str):
            return bool(HANDLER_MARKERS.search(inline))
        return self.handler_file_is_durable(props)

    def handler_file_is_durable(self, props: dict[str, Any]) -> bool:
        handler, code_uri = props.get("Handler"), props.get("CodeUri")
        if not isinstance(handler, str) or not isinstance(code_uri, str) or "://" in code_uri:
            return False
        base = Path(self.path).parent / code_uri
        stem = handler.rsplit(".", 1)[0]
        for suffix in (".py", ".ts", ".js", ".mjs", ".cjs", ".mts"):
            candidate = base / f"{stem}{suffix}"
            if candidate.is_file():
                try:
                    return bool(HANDLER_MARKERS.search(candidate.read_text(encoding="utf-8", errors="replace")))
                except OSError:
                    return False
        return False

    # -- role ---------------------------------------------------------------------------------
    def check_role(self, logical_id: str, resource: Any, props: dict[str, Any]) -> None:
        role = props.get("Role")
        if role is None:
            if resource.get("Type") == "AWS::Serverless::Function":
                return  # SAM generates the role and attaches the durable policy when DurableConfig is set
            self.report("DT003", _key(self.resources, logical_id) or resource, f"{logical_id} has no Role")
            return
        role_id = self.referenced_id(role)
        if role_id is None:
            return  # an external ARN or parameter: cannot be checked from here
        role_resource = self.resources.get(role_id)
        if not isinstance(role_resource, dict) or role_resource.get("Type") != "AWS::IAM::Role":
            return
        if not self.role_has_durable_permissions(role_id, role_resource):
            self.report("DT003", _key(self.resources, role_id) or role_resource,
                        f"{role_id} (the role of {logical_id}) lacks {DURABLE_POLICY} or an equivalent policy "
                        f"allowing {' and '.join(DURABLE_ACTIONS)}; checkpoints will be denied")

    @staticmethod
    def referenced_id(value: Any) -> str | None:
        if isinstance(value, dict) and len(value) == 1:
            key, target = next(iter(value.items()))
            if key == "Ref" and isinstance(target, str):
                return target
            if key == "Fn::GetAtt":
                if isinstance(target, list) and target and isinstance(target[0], str):
                    return target[0]
                if isinstance(target, str):
                    return target.split(".", 1)[0]
        return None

    def role_has_durable_permissions(self, role_id: str, role: dict[str, Any]) -> bool:
        props = role.get("Properties") if isinstance(role.get("Properties"), dict) else {}
        assert isinstance(props, dict)
        if DURABLE_POLICY in json.dumps(props.get("ManagedPolicyArns", []), default=str):
            return True
        documents = [p.get("PolicyDocument") for p in props.get("Policies", []) or [] if isinstance(p, dict)]
        for other in self.resources.values():
            if not isinstance(other, dict) or other.get("Type") not in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
                                                                        "AWS::IAM::RolePolicy"):
                continue
            other_props = other.get("Properties") if isinstance(other.get("Properties"), dict) else {}
            assert isinstance(other_props, dict)
            roles = other_props.get("Roles", []) or []
            attached = [self.referenced_id(r) for r in roles] if isinstance(roles, list) else []
            if role_id in attached or self.referenced_id(other_props.get("RoleName")) == role_id:
                documents.append(other_props.get("PolicyDocument"))
        allowed: set[str] = set()
        for document in documents:
            allowed |= self.allowed_actions(document)
        return all(self.action_allowed(action, allowed) for action in DURABLE_ACTIONS)

    @staticmethod
    def allowed_actions(document: Any) -> set[str]:
        if not isinstance(document, dict):
            return set()
        statements = document.get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]
        actions: set[str] = set()
        for statement in statements:
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            action = statement.get("Action", [])
            for item in action if isinstance(action, list) else [action]:
                if isinstance(item, str):
                    actions.add(item.lower())
        return actions

    @staticmethod
    def action_allowed(action: str, allowed: set[str]) -> bool:
        action = action.lower()
        service = action.split(":", 1)[0]
        return action in allowed or "*" in allowed or f"{service}:*" in allowed or any(
            a.endswith("*") and action.startswith(a[:-1]) for a in allowed)

    # -- invocation wiring -------------------------------------------------------------------------
    def check_invocations(self, logical_id: str, resource: Any, props: dict[str, Any]) -> None:
        if resource.get("Type") == "AWS::Serverless::Function" and props.get("Events") and not props.get(
                "AutoPublishAlias"):
            self.report("DT004", _key(props, "Events") or props.get("Events"),
                        f"{logical_id} has Events but no AutoPublishAlias: SAM wires the triggers to the unqualified "
                        "function; durable functions must be invoked through a version or alias")
        for other_id, other in self.resources.items():
            if other_id == logical_id or not isinstance(other, dict):
                continue
            kind = other.get("Type")
            if not isinstance(kind, str) or kind.startswith(NON_INVOKING_PREFIXES):
                continue
            node = self.find_unqualified_reference(other.get("Properties"), logical_id)
            if node is not None:
                self.report("DT004", node if getattr(node, "start_mark", None) else other,
                            f"{other_id} ({kind}) invokes {logical_id} unqualified; durable functions must be "
                            "invoked through a version or alias (reference the Alias or Version resource)")

    def find_unqualified_reference(self, value: Any, function_id: str) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                key, target = next(iter(value.items()))
                if key == "Ref" and target == function_id:
                    return value
                if key == "Fn::GetAtt" and self.referenced_id(value) == function_id:
                    return value
                if key == "Fn::Sub":
                    text = target[0] if isinstance(target, list) and target else target
                    if isinstance(text, str) and re.search(r"\$\{" + re.escape(function_id) + r"(\.Arn)?\}", text):
                        return value
            for item in value.values():
                found = self.find_unqualified_reference(item, function_id)
                if found is not None:
                    return found
        elif isinstance(value, list):
            for item in value:
                found = self.find_unqualified_reference(item, function_id)
                if found is not None:
                    return found
        return None


class _FixedPolicyLoader:
    def load(self) -> dict[str, str]:
        return dict(KNOWN_MANAGED_POLICIES)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


# Artifact properties that `sam package` would have replaced by S3 locations before translation.
_PACKAGED = {"CodeUri": "s3://packaged/code.zip", "ContentUri": "s3://packaged/layer.zip",
             "DefinitionUri": "s3://packaged/api.yaml"}


def _as_packaged(template: dict[str, Any]) -> dict[str, Any]:
    """Local artifact paths stand for what ``sam package`` would upload; the translator only accepts S3 URIs."""
    sections = [r.get("Properties") for r in (template.get("Resources") or {}).values() if isinstance(r, dict)]
    globals_ = template.get("Globals")
    if isinstance(globals_, dict):
        sections.extend(globals_.values())
    for properties in sections:
        if not isinstance(properties, dict):
            continue
        for key, placeholder in _PACKAGED.items():
            value = properties.get(key)
            if isinstance(value, str) and not value.startswith("s3://"):
                properties[key] = placeholder
    return template


def lint_errors(source: str, template: dict[str, Any], path: str, language: str) -> list[Finding]:
    """cfn-lint's own errors; SAM is translated first because cfn-lint no longer does it."""
    from cfnlint.api import lint

    resources = template.get("Resources") if isinstance(template.get("Resources"), dict) else {}
    assert isinstance(resources, dict)
    text = source
    mapped = False
    if language == "sam":
        from samtranslator.translator.transform import transform

        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        # The translator warns about unpublished metrics on every call; nothing here publishes them.
        logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)
        try:
            translated = transform(_as_packaged(_plain(template)), {}, _FixedPolicyLoader())
        except Exception as exc:  # the translator raises many exception types for invalid SAM
            causes = getattr(exc, "causes", None) or [exc]
            return [_finding("DT005", path, 1, f"SAM translation failed: {getattr(c, 'message', c)}")
                    for c in causes]
        text = json.dumps(translated)
        mapped = True
    findings: list[Finding] = []
    for match in lint(text, regions=["us-east-1"]):
        rule_id = str(match.rule.id)
        path_parts = [str(p) for p in (getattr(match, "path", None) or [])]
        if not rule_id.startswith("E") or "DurableConfig" in path_parts:
            continue  # DurableConfig bounds are reported as DT002 with the source line
        line = int(match.linenumber)
        if mapped:
            line = _source_line(resources, path_parts)
        findings.append(_finding("DT005", path, line, f"cfn-lint {rule_id}: {match.message}"))
    return findings


def _source_line(resources: dict[str, Any], path_parts: list[str]) -> int:
    """The line of the source resource a translated resource came from (SAM adds suffixes to ids)."""
    if len(path_parts) >= 2 and path_parts[0] == "Resources":
        generated = path_parts[1]
        for logical_id in sorted(resources, key=len, reverse=True):
            if generated.startswith(logical_id):
                return _line(resources[logical_id])[0]
    return 1


def _finding(rule: str, path: str, line: int, message: str, column: int = 1) -> Finding:
    return Finding(rule=rule, severity=RULES[rule].severity, path=path, line=line, column=column, end_line=line,
                   end_column=column, message=message)


def check_template(source: str, path: str, language: str) -> list[Finding]:
    from cfnlint.decode import decode_str

    template, errors = decode_str(source)
    if errors or not isinstance(template, dict):
        first = errors[0] if errors else None
        line = int(getattr(first, "linenumber", 1) or 1)
        column = int(getattr(first, "columnnumber", 1) or 1)
        message = getattr(first, "message", "not a template mapping")
        return [_finding("DR000", path, line, f"Cannot parse the template: {message}", column)]
    if not isinstance(template.get("Resources"), dict):
        return []  # YAML/JSON that mentions AWS types but is not a template (an event fixture, a config)
    findings = TemplateCheck(template, path, language).run()
    if "Transform" in template and language != "sam":
        language = "sam"
    try:
        findings.extend(lint_errors(source, template, path, language))
    except Exception as exc:  # cfn-lint is a third-party engine: never let it take the validator down
        log.warning("validator.cfn_lint_failed", path=path, error=type(exc).__name__)
    return findings
