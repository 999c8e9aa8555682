"""Package local code referenced by a template into S3 and rewrite the template to point at it.

Covers ``CodeUri`` of ``AWS::Serverless::Function`` (and ``Globals.Function``) and a path string in
``Code`` of ``AWS::Lambda::Function`` (as ``aws cloudformation package`` accepts). Archives are
deterministic, so unchanged code keeps its S3 key and is not uploaded twice.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import structlog

from durable_mcp.aws.errors import aws_call, error_code
from durable_mcp.aws.session import AwsClients
from durable_mcp.errors import UserError

log = structlog.get_logger()

_SKIP_DIRS = frozenset({".git", "__pycache__", ".aws-sam", "cdk.out", ".venv", ".pytest_cache", ".mypy_cache"})
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def zip_directory(directory: Path) -> bytes:
    """A reproducible zip of ``directory`` (sorted entries, fixed timestamps, modes kept)."""
    if not directory.is_dir():
        raise UserError(f"Code directory not found: {directory}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for root, dirs, files in os.walk(directory):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            for name in sorted(files):
                path = Path(root) / name
                info = zipfile.ZipInfo(path.relative_to(directory).as_posix(), date_time=_FIXED_TIME)
                info.external_attr = (path.stat().st_mode & 0o777 | 0o100000) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _is_local_path(value: Any) -> bool:
    return isinstance(value, str) and not value.startswith("s3://") and "://" not in value


class Packager:
    """Uploads code archives to one bucket (created on first use when the user named none)."""

    def __init__(self, clients: AwsClients, stack_name: str, bucket: str | None) -> None:
        self.clients = clients
        self.stack_name = stack_name
        self.bucket = bucket
        self._bucket_ready = False

    def ensure_bucket(self) -> str:
        s3 = self.clients.client("s3")
        if self.bucket is None:
            self.bucket = f"durable-mcp-artifacts-{self.clients.account_id()}-{self.clients.region()}"
        if self._bucket_ready:
            return self.bucket
        with aws_call("s3:ListBucket", self.bucket):
            try:
                s3.head_bucket(Bucket=self.bucket)
            except Exception as exc:
                if error_code(exc) not in {"404", "NoSuchBucket", "NotFound"}:
                    raise
                self._create_bucket(s3, self.bucket)
        self._bucket_ready = True
        return self.bucket

    def _create_bucket(self, s3: Any, bucket: str) -> None:
        region = self.clients.region()
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        with aws_call("s3:CreateBucket", bucket):
            s3.create_bucket(**kwargs)
            s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
        log.info("artifact bucket created", bucket=bucket)

    def upload(self, data: bytes, suffix: str) -> tuple[str, str]:
        bucket = self.ensure_bucket()
        key = f"durable-mcp/{self.stack_name}/{hashlib.sha256(data).hexdigest()}{suffix}"
        s3 = self.clients.client("s3")
        with aws_call("s3:PutObject", f"s3://{bucket}/{key}"):
            s3.put_object(Bucket=bucket, Key=key, Body=data)
        return bucket, key

    def upload_code(self, directory: Path) -> tuple[str, str]:
        return self.upload(zip_directory(directory), ".zip")


def package_template(template: dict[str, Any], base_dir: Path, packager: Packager) -> dict[str, Any]:
    """Return a copy of ``template`` whose local code paths are replaced by S3 locations."""
    out = copy.deepcopy(template)
    function_globals = (out.get("Globals") or {}).get("Function") or {}
    if _is_local_path(function_globals.get("CodeUri")):
        bucket, key = packager.upload_code(base_dir / function_globals["CodeUri"])
        function_globals["CodeUri"] = {"Bucket": bucket, "Key": key}
    for logical_id, resource in (out.get("Resources") or {}).items():
        props = resource.get("Properties") or {}
        kind = resource.get("Type")
        if kind == "AWS::Serverless::Function" and _is_local_path(props.get("CodeUri")):
            bucket, key = packager.upload_code(base_dir / props["CodeUri"])
            props["CodeUri"] = {"Bucket": bucket, "Key": key}
        elif kind == "AWS::Lambda::Function" and _is_local_path(props.get("Code")):
            bucket, key = packager.upload_code(base_dir / props["Code"])
            props["Code"] = {"S3Bucket": bucket, "S3Key": key}
        else:
            continue
        log.info("code packaged", resource=logical_id, bucket=bucket, key=key)
    return out


def functions_built_by_sam(template: dict[str, Any]) -> list[tuple[str, str]]:
    """Serverless functions whose code ``sam build`` makes (``Metadata: BuildMethod``, e.g. esbuild for
    TypeScript): (logical id, build method). Zipping their CodeUri as it is would ship sources Lambda
    cannot run."""
    return [
        (str(logical_id), str(resource["Metadata"]["BuildMethod"]))
        for logical_id, resource in (template.get("Resources") or {}).items()
        if resource.get("Type") == "AWS::Serverless::Function"
        and isinstance(resource.get("Metadata"), dict)
        and resource["Metadata"].get("BuildMethod")
        and _is_local_path((resource.get("Properties") or {}).get("CodeUri", "."))
    ]


def code_parameters(template: dict[str, Any], parameters: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """Functions whose code location is left to unset template parameters: (logical id, bucket parameter,
    key parameter). Templates that take the code bucket as a parameter (``Code: {S3Bucket: !Ref
    CodeBucket, S3Key: !Ref CodeKey}``, as durable-mcp's scaffold writes them) expect the caller to zip
    and upload the code."""
    declared = template.get("Parameters") or {}
    found: list[tuple[str, str, str | None]] = []
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::Lambda::Function":
            continue
        code = (resource.get("Properties") or {}).get("Code")
        if not isinstance(code, dict):
            continue
        bucket_param = _ref(code.get("S3Bucket"))
        if bucket_param is None or bucket_param in parameters or "Default" in (declared.get(bucket_param) or {}):
            continue
        found.append((logical_id, bucket_param, _ref(code.get("S3Key"))))
    return found


def fill_code_parameters(
    template: dict[str, Any], code_dir: Path, packager: Packager, parameters: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Zip ``code_dir`` (``src/``, or a Node.js project's built ``dist/``) for the functions that
    :func:`code_parameters` names, upload it and fill their parameters."""
    filled = dict(parameters)
    notes: list[str] = []
    for logical_id, bucket_param, key_param in code_parameters(template, parameters):
        if bucket_param in filled:  # two functions sharing the parameters get the one upload
            continue
        bucket, key = packager.upload_code(code_dir)
        filled[bucket_param] = bucket
        if key_param is not None:
            filled[key_param] = key
        notes.append(f"{logical_id}: zipped {code_dir.name}/ to s3://{bucket}/{key} for parameter {bucket_param}.")
    return filled, notes


def _ref(value: Any) -> str | None:
    if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
        return value["Ref"]
    return None


def translate_sam(template: dict[str, Any], clients: AwsClients, parameters: dict[str, str]) -> dict[str, Any]:
    """Expand the Serverless transform locally with aws-sam-translator.

    Managed policy names are resolved through IAM only if the template uses them.
    """
    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.translator import Translator

    loader = ManagedPolicyLoader(clients.client("iam"))
    # The translator reads only the region from this session (for AWS::Region / AWS::Partition).
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name=clients.region()))
    try:
        expanded: dict[str, Any] = translator.translate(
            copy.deepcopy(template), parameter_values=dict(parameters), get_managed_policy_map=loader.load
        )
    except InvalidDocumentException as exc:
        causes = "; ".join(str(cause) for cause in exc.causes) or str(exc)
        raise UserError(f"The SAM template is invalid: {causes}") from exc
    return expanded
