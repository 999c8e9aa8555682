"""Deploy through the SAM CLI or the CDK CLI when they are installed.

Both stop after creating the change set, so the plan/apply split and the preview are the same as
for the boto3 path: the CLI builds and uploads, durable-mcp describes, executes and waits.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import structlog

from durable_mcp.aws.session import AwsSettings
from durable_mcp.errors import UserError

log = structlog.get_logger()

_CHANGE_SET_ARN = re.compile(r"arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:changeSet/[A-Za-z0-9/_-]+")
CLI_TIMEOUT_SECONDS = 1800


def sam_cli() -> str | None:
    return shutil.which("sam")


def cdk_cli(project_dir: Path) -> str | None:
    local = project_dir / "node_modules" / ".bin" / "cdk"
    return str(local) if local.is_file() else shutil.which("cdk")


def _env(settings: AwsSettings, region: str) -> dict[str, str]:
    env = dict(os.environ)
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = region
    if settings.profile:
        env["AWS_PROFILE"] = settings.profile
    env.setdefault("SAM_CLI_TELEMETRY", "0")
    env.setdefault("CDK_DISABLE_VERSION_CHECK", "1")
    return env


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    log.info("running", argv=argv[:3], cwd=str(cwd))
    try:
        done = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise UserError(f"{argv[0]} did not finish within {CLI_TIMEOUT_SECONDS} s.") from exc
    output = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise UserError(f"`{' '.join(argv[:3])}` failed (exit {done.returncode}):\n{tail}")
    return output


def sam_prepare_change_set(
    project_dir: Path,
    *,
    stack_name: str,
    region: str,
    parameters: dict[str, str],
    bucket: str | None,
    settings: AwsSettings,
) -> str:
    """``sam build`` then ``sam deploy --no-execute-changeset``; returns the change set ARN."""
    sam = sam_cli()
    if sam is None:
        raise UserError("The SAM CLI is not installed.")
    env = _env(settings, region)
    _run([sam, "build"], project_dir, env)
    argv = [
        sam,
        "deploy",
        "--stack-name",
        stack_name,
        "--region",
        region,
        "--no-execute-changeset",
        "--no-confirm-changeset",
        "--no-fail-on-empty-changeset",
        "--capabilities",
        "CAPABILITY_IAM",
        "CAPABILITY_NAMED_IAM",
        "CAPABILITY_AUTO_EXPAND",
    ]
    argv += ["--s3-bucket", bucket] if bucket else ["--resolve-s3"]
    if parameters:
        argv += ["--parameter-overrides", *(f"{key}={value}" for key, value in sorted(parameters.items()))]
    return _change_set_arn(_run(argv, project_dir, env), "sam deploy")


def cdk_prepare_change_set(
    project_dir: Path,
    *,
    stack_name: str,
    region: str,
    parameters: dict[str, str],
    change_set_name: str,
    settings: AwsSettings,
) -> None:
    """``cdk deploy --method=prepare-change-set``: synthesize, publish assets, create the change set."""
    cdk = cdk_cli(project_dir)
    if cdk is None:
        raise UserError(
            "This is a CDK project but the CDK CLI was not found. Install it (`npm install -g aws-cdk` or "
            "`npm install --save-dev aws-cdk` in the project) and bootstrap the account (`cdk bootstrap`)."
        )
    argv = [
        cdk,
        "deploy",
        stack_name,
        "--method=prepare-change-set",
        f"--change-set-name={change_set_name}",
        "--require-approval=never",
        "--progress=events",
    ]
    argv += [f"--parameters={key}={value}" for key, value in sorted(parameters.items())]
    _run(argv, project_dir, _env(settings, region))


def _change_set_arn(output: str, command: str) -> str:
    match = _CHANGE_SET_ARN.search(output)
    if match is None:
        raise UserError(f"`{command}` finished but printed no change set ARN; output ended with: {output[-500:]}")
    return match.group(0)
