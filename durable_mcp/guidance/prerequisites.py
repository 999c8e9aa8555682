"""Compare what this machine has with what building and shipping durable functions needs.

Every probe runs in its own thread with a timeout, so the whole report takes about as long as the
slowest tool. A missing or broken tool is a verdict in the report, never an exception.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import structlog
from pydantic import BaseModel, Field

log = structlog.get_logger()

Verdict = Literal["ok", "outdated", "missing", "unknown"]
DEFAULT_TIMEOUT = 8.0


class PrerequisiteCheck(BaseModel):
    name: str
    requirement: str
    needed_for: str
    found: str | None = Field(default=None, description="version found, or the account for credentials")
    path: str | None = Field(default=None, description="executable that was probed")
    verdict: Verdict
    detail: str
    fix: str | None = Field(default=None, description="how to fix it; absent when the verdict is ok")


class PrerequisiteReport(BaseModel):
    checks: list[PrerequisiteCheck]
    ready_languages: list[str] = Field(description="languages this machine can build and test")
    ready_iac: list[str] = Field(description="IaC tools this machine can deploy with")
    aws_reachable: bool = Field(description="credentials resolved to an account")
    summary: str
    elapsed_seconds: float


@dataclass(frozen=True)
class ToolSpec:
    name: str
    commands: tuple[str, ...]  # first one found on PATH is probed
    args: tuple[str, ...]
    version_pattern: str
    minimum: tuple[int, ...]
    requirement: str
    needed_for: str
    install: str


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        name="aws-cli",
        commands=("aws",),
        args=("--version",),
        version_pattern=r"aws-cli/(\d+(?:\.\d+)+)",
        minimum=(2, 33, 22),
        requirement="AWS CLI 2.33.22 or later",
        needed_for="durable execution commands (invoke, callbacks, history) and CloudFormation deploys",
        install="Install AWS CLI v2 (2.33.22+): "
        "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html "
        "(AWS CLI v1 has no durable execution commands).",
    ),
    ToolSpec(
        name="node",
        commands=("node",),
        args=("--version",),
        version_pattern=r"v?(\d+(?:\.\d+)+)",
        minimum=(22,),
        requirement="Node.js 22 or later",
        needed_for="TypeScript/JavaScript handlers (the SDK declares node >=22; Lambda runs nodejs22.x/24.x) "
        "and the CDK",
        install="Install Node.js 22 or 24 LTS (for example `nvm install 22`): https://nodejs.org/",
    ),
    ToolSpec(
        name="python",
        commands=("python3", "python"),
        args=("--version",),
        version_pattern=r"Python (\d+(?:\.\d+)+)",
        minimum=(3, 11),
        requirement="Python 3.11 or later (3.13+ to match the Lambda runtimes that ship the SDK)",
        needed_for="Python handlers (aws-durable-execution-sdk-python needs 3.11+)",
        install="Install Python 3.13 (python.org, `pyenv install 3.13` or `uv python install 3.13`).",
    ),
    ToolSpec(
        name="sam-cli",
        commands=("sam",),
        args=("--version",),
        version_pattern=r"version (\d+(?:\.\d+)+)",
        minimum=(1, 153, 1),
        requirement="AWS SAM CLI 1.153.1 or later",
        needed_for="SAM deployments",
        install="Install or upgrade the SAM CLI (1.153.1+): `pip install --upgrade aws-sam-cli` or "
        "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html",
    ),
    ToolSpec(
        name="cdk",
        commands=("cdk",),
        args=("--version",),
        version_pattern=r"^\s*(\d+(?:\.\d+)+)",
        minimum=(2, 237, 1),
        requirement="AWS CDK 2.237.1 or later (CLI, and aws-cdk-lib in the project)",
        needed_for="CDK deployments",
        install="Install or upgrade the CDK CLI: `npm install -g aws-cdk@latest`, and use "
        "aws-cdk-lib 2.237.1+ in the project (it has `durableConfig`).",
    ),
)

_PYTHON_RUNTIME_WITH_SDK = (3, 13)


def parse_version(text: str, pattern: str) -> tuple[int, ...] | None:
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        return None
    return tuple(int(part) for part in match.group(1).split("."))


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def check_tool(spec: ToolSpec, timeout: float = DEFAULT_TIMEOUT) -> PrerequisiteCheck:
    """Probe one executable's version and judge it against ``spec.minimum``."""
    base = {"name": spec.name, "requirement": spec.requirement, "needed_for": spec.needed_for}
    executable = next((found for cmd in spec.commands if (found := shutil.which(cmd))), None)
    if executable is None:
        names = " or ".join(spec.commands)
        detail = f"{names} is not on PATH"
        return PrerequisiteCheck(**base, verdict="missing", detail=detail, fix=spec.install)
    try:
        done = subprocess.run(
            [executable, *spec.args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return PrerequisiteCheck(
            **base, path=executable, verdict="unknown",
            detail=f"`{spec.commands[0]} {' '.join(spec.args)}` did not answer within {timeout:g} s",
            fix=f"Run `{spec.commands[0]} {' '.join(spec.args)}` yourself to see why it hangs.",
        )
    except OSError as exc:
        return PrerequisiteCheck(
            **base, path=executable, verdict="unknown", detail=f"could not run it: {exc}", fix=spec.install
        )
    output = f"{done.stdout}\n{done.stderr}"
    version = parse_version(output, spec.version_pattern) if done.returncode == 0 else None
    if version is None:
        first_line = next((line for line in output.splitlines() if line.strip()), "no output")
        return PrerequisiteCheck(
            **base, path=executable, verdict="unknown",
            detail=f"exit code {done.returncode}, version not recognised: {first_line[:200]}",
            fix=spec.install,
        )
    found = _dotted(version)
    if version < spec.minimum:
        return PrerequisiteCheck(
            **base, path=executable, found=found, verdict="outdated",
            detail=f"{found} is older than {_dotted(spec.minimum)}", fix=spec.install,
        )
    detail = f"{found} meets {_dotted(spec.minimum)}+"
    if spec.name == "python" and version < _PYTHON_RUNTIME_WITH_SDK:
        detail += (
            "; Lambda's python3.13+ runtimes ship the SDK, so with an older runtime bundle "
            "aws-durable-execution-sdk-python in the deployment package"
        )
    return PrerequisiteCheck(**base, path=executable, found=found, verdict="ok", detail=detail)


def check_credentials(
    profile: str | None = None,
    region: str | None = None,
    sts_endpoint_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> PrerequisiteCheck:
    """Resolve credentials with the standard chain and ask STS which account they belong to.

    Without ``sts_endpoint_url``, ``AWS_ENDPOINT_URL_STS`` / ``AWS_ENDPOINT_URL`` are honoured by
    botocore itself.
    """
    import boto3
    import botocore.exceptions
    from botocore.config import Config

    base = {
        "name": "aws-credentials",
        "requirement": "AWS credentials that resolve to an account (STS GetCallerIdentity)",
        "needed_for": "deploying, invoking and inspecting functions in AWS",
    }
    configure = "Run `aws configure`, `aws sso login`, or set AWS_PROFILE / AWS_ACCESS_KEY_ID."
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except botocore.exceptions.ProfileNotFound:
        return PrerequisiteCheck(
            **base, verdict="missing", detail=f"profile {profile!r} is not configured", fix=configure
        )
    credentials = session.get_credentials()
    if credentials is None:
        return PrerequisiteCheck(**base, verdict="missing", detail="no credentials found", fix=configure)
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1})
    region_used = session.region_name or "us-east-1"
    try:
        sts = session.client("sts", region_name=region_used, endpoint_url=sts_endpoint_url, config=config)
        identity = sts.get_caller_identity()
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "ClientError")
        expired = "Expired" in code
        return PrerequisiteCheck(
            **base,
            verdict="outdated" if expired else "missing",
            detail=f"STS rejected the {credentials.method} credentials: {code}",
            fix="Refresh them (`aws sso login`, new session token)." if expired else configure,
        )
    except (botocore.exceptions.BotoCoreError, OSError) as exc:
        log.info("sts probe failed", error_type=type(exc).__name__)
        return PrerequisiteCheck(
            **base,
            verdict="unknown",
            detail=f"found {credentials.method} credentials but STS did not answer: {type(exc).__name__}",
            fix="Check network access to STS (and AWS_ENDPOINT_URL_STS if you use a local endpoint).",
        )
    account = str(identity.get("Account", ""))
    arn = str(identity.get("Arn", ""))
    region_note = session.region_name or "not set"
    return PrerequisiteCheck(
        **base,
        found=account,
        verdict="ok",
        detail=f"{credentials.method} credentials resolve to {arn} (region {region_note})",
        fix=None if session.region_name else "Set a region with `aws configure set region` or AWS_REGION.",
    )


def _ready(checks: dict[str, PrerequisiteCheck]) -> tuple[list[str], list[str]]:
    ok = {name for name, check in checks.items() if check.verdict == "ok"}
    languages = [
        *(["typescript", "javascript"] if "node" in ok else []),
        *(["python"] if "python" in ok else []),
    ]
    iac = [
        *(["cdk"] if {"cdk", "node"} <= ok else []),
        *(["sam"] if "sam-cli" in ok else []),
        *(["cloudformation"] if "aws-cli" in ok else []),
    ]
    return languages, iac


def check_durable_prerequisites(
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> PrerequisiteReport:
    """Run every probe concurrently and summarise what the machine is ready for.

    ``endpoint_url`` is the Lambda endpoint override (``--endpoint-url``, e.g. a local durable-mcp
    endpoint). It is only reported: STS is asked through the standard chain, because a Lambda
    endpoint does not serve STS.
    """
    started = time.monotonic()
    probes: list[Callable[[], PrerequisiteCheck]] = [
        *(lambda spec=spec: check_tool(spec, timeout) for spec in TOOLS),
        lambda: check_credentials(profile, region, timeout=timeout),
    ]
    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        results = list(pool.map(lambda probe: probe(), probes))
    by_name = {check.name: check for check in results}
    languages, iac = _ready(by_name)
    reachable = by_name["aws-credentials"].verdict == "ok"
    problems = [f"{c.name} {c.verdict}" for c in results if c.verdict != "ok"]
    summary = (
        f"Languages ready: {', '.join(languages) or 'none'}. IaC ready: {', '.join(iac) or 'none'}. "
        f"AWS account: {by_name['aws-credentials'].found or 'not reachable'}. "
        + (f"To fix: {', '.join(problems)}." if problems else "Everything needed is installed.")
        + (f" Lambda calls go to {endpoint_url}." if endpoint_url else "")
    )
    return PrerequisiteReport(
        checks=results,
        ready_languages=languages,
        ready_iac=iac,
        aws_reachable=reachable,
        summary=summary,
        elapsed_seconds=round(time.monotonic() - started, 3),
    )
