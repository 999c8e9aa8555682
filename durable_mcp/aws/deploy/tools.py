"""Deploy through the SAM CLI or the CDK CLI when they are installed.

Both stop after creating the change set, so the plan/apply split and the preview are the same as
for the boto3 path: the CLI builds and uploads, durable-mcp describes, executes and waits.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import structlog

from durable_mcp.aws.session import AwsSettings
from durable_mcp.errors import UserError

log = structlog.get_logger()

_CHANGE_SET_ARN = re.compile(r"arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:changeSet/[A-Za-z0-9/_-]+")
_SAM_NO_CHANGES = "No changes to deploy"
_BUILDING = re.compile(r"^Building codeuri: .* functions: (.+)$", re.MULTILINE)
# The messages of aws-lambda-builders (as in SAM CLI 1.170.0) for the failures explained below.
_PYTHON_RUNTIME = r"(python\d+(?:\.\d+)*)"
_NO_PYTHON = re.compile(rf"Path resolution for runtime: {_PYTHON_RUNTIME} of binary: python was not successful")
_WRONG_PYTHON = re.compile(
    rf"Binary validation failed for python,.*?constraints for runtime: {_PYTHON_RUNTIME}", re.DOTALL
)
_NO_NPM = "couldn't find npm installed"
_NO_ESBUILD = "Cannot find esbuild"
# The CDK CLI's (2.1148) and aws-cdk-lib's (2.276) messages for the failures explained below.
_CDK_ENVIRONMENT = r"(aws://\d{12}/[a-z0-9-]+)"
_CDK_NOT_BOOTSTRAPPED = re.compile(rf"not found in {_CDK_ENVIRONMENT}\. Has the environment been bootstrapped\?")
_CDK_OLD_BOOTSTRAP = re.compile(
    rf"requires bootstrap stack version '(\d+)', found '([^']*)' in {_CDK_ENVIRONMENT}"
)
_CDK_MISSING_ASSET = re.compile(r"Cannot find asset at (\S+)")
_CDK_NO_SUCH_STACK = "No stacks match the name(s)"
_PYTHON_MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
_CDK_LIBRARIES = ("aws_cdk", "constructs")
# npx could not fetch the CLI (npm 10+ prints "npm error", older "npm ERR!")
_NPM_FETCH_FAILED = re.compile(r"npm (?:ERR!|error) code (E[A-Z0-9_]+)")
# Prefixed with the CloudFormation stack name (the "Stack ARN:" line it prints last can be empty).
_CDK_CREATING_CHANGE_SET = re.compile(
    r"^([A-Za-z][A-Za-z0-9-]*): creating CloudFormation changeset\.\.\.$", re.MULTILINE
)
CLI_TIMEOUT_SECONDS = 1800

Explain = Callable[[str], str | None]
"""Turns a failed command's output into a cause and a way forward, when it recognises one."""


def sam_cli() -> str | None:
    return shutil.which("sam")


CDK_CLI_PACKAGE = "aws-cdk@2"


def cdk_cli(project_dir: Path) -> list[str] | None:
    """The command that runs the CDK CLI: the project's own, the installed one, else npx fetching it (as
    the scaffolded README of a Python CDK project, which has no package.json, tells its user)."""
    local = project_dir / "node_modules" / ".bin" / "cdk"
    installed = str(local) if local.is_file() else shutil.which("cdk")
    if installed is not None:
        return [installed]
    npx = shutil.which("npx")
    return [npx, "--yes", CDK_CLI_PACKAGE] if npx is not None else None


def _env(settings: AwsSettings, region: str) -> dict[str, str]:
    env = dict(os.environ)
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = region
    if settings.profile:
        env["AWS_PROFILE"] = settings.profile
    env.setdefault("SAM_CLI_TELEMETRY", "0")
    env.setdefault("CDK_DISABLE_VERSION_CHECK", "1")
    env.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    return env


def _on_path(env: dict[str, str], directory: Path) -> dict[str, str]:
    if directory.is_dir():
        env["PATH"] = os.pathsep.join([str(directory), env.get("PATH", "")])
    return env


def _sam_env(settings: AwsSettings, region: str, project_dir: Path) -> dict[str, str]:
    # `sam build` bundles TypeScript/JavaScript with esbuild found on PATH; projects (ours included)
    # keep esbuild as a devDependency, which SAM's own production-only npm install leaves out.
    return _on_path(_env(settings, region), project_dir / "node_modules" / ".bin")


def project_venv(project_dir: Path) -> Path | None:
    """The project's own virtual environment (``.venv`` or ``venv``), where its deploy extra is installed."""
    for name in (".venv", "venv"):
        if (project_dir / name / "bin" / "python3").is_file():
            return project_dir / name
    return None


def _project_env(settings: AwsSettings, region: str, project_dir: Path) -> dict[str, str]:
    """The environment the project's own code runs in (its npm build, its CDK app)."""
    env = _env(settings, region)
    # A Python CDK app runs as `python3 infra/app.py`: with the project's venv first on PATH that is the
    # Python holding aws-cdk-lib, as it would be in the user's activated shell.
    venv = project_venv(project_dir)
    if venv is not None:
        env["VIRTUAL_ENV"] = str(venv)
        _on_path(env, venv / "bin")
    return env


def _run(argv: list[str], cwd: Path, env: dict[str, str], explain: Explain | None = None) -> str:
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
        hint = explain(output) if explain is not None else None
        lead = f"{hint}\n" if hint else ""
        command = " ".join([Path(argv[0]).name, *argv[1:3]])
        raise UserError(f"{lead}`{command}` failed (exit {done.returncode}):\n{tail}")
    return output


def _explain_sam_build_failure(output: str) -> str | None:
    """Name the cause and the way forward for the `sam build` failures a user's machine commonly hits.

    Only the Python and Node.js builders are covered: those are the durable runtimes durable-mcp supports.
    """
    functions = _BUILDING.findall(output)
    which = f" for {functions[-1].strip()}" if functions else ""
    if unresolved := _NO_PYTHON.search(output):
        runtime = unresolved.group(1)
        return (
            f"`sam build` could not build the code{which}: it runs Python on this machine to build for runtime "
            f"{runtime} and found none on PATH. Install {runtime} (any Python 3 will do when the function has "
            "no requirements.txt) and make sure it is on PATH."
        )
    if wrong := _WRONG_PYTHON.search(output):
        runtime = wrong.group(1)
        return (
            f"`sam build` could not build the dependencies{which}: runtime {runtime} needs `{runtime}` on this "
            f"machine to install requirements.txt and none is on PATH. Install {runtime} so that `{runtime}` is "
            "on PATH, or vendor the dependencies into the function's code directory (`pip install -r "
            "requirements.txt -t <CodeUri>`) and remove requirements.txt, so that `sam build` only copies the code."
        )
    if _NO_NPM in output:
        return f"`sam build` needs npm to build the code{which}: install Node.js (with npm) and put npm on PATH."
    if _NO_ESBUILD in output:
        return (
            f"`sam build` bundles the code{which} with esbuild, which is not installed: run `npm install` "
            "in the project (esbuild is one of its devDependencies) or install esbuild on PATH."
        )
    return None


def sam_prepare_change_set(
    project_dir: Path,
    *,
    stack_name: str,
    region: str,
    parameters: dict[str, str],
    bucket: str,
    settings: AwsSettings,
) -> str | None:
    """``sam build`` then ``sam deploy --no-execute-changeset``.

    Returns the change set ARN SAM printed, or None when SAM found nothing to change (it then leaves
    its empty change set behind without naming it).
    """
    sam = sam_cli()
    if sam is None:
        raise UserError("The SAM CLI is not installed.")
    env = _sam_env(settings, region, project_dir)
    _run([sam, "build"], project_dir, env, _explain_sam_build_failure)
    argv = [
        sam,
        "deploy",
        "--stack-name",
        stack_name,
        "--region",
        region,
        # Explicitly off: `sam init` writes resolve_s3 = true into samconfig.toml, and SAM refuses both.
        "--no-resolve-s3",
        "--s3-bucket",
        bucket,
        "--s3-prefix",
        f"durable-mcp/{stack_name}",
        "--no-execute-changeset",
        "--no-confirm-changeset",
        "--no-fail-on-empty-changeset",
        "--capabilities",
        "CAPABILITY_IAM",
        "CAPABILITY_NAMED_IAM",
        "CAPABILITY_AUTO_EXPAND",
    ]
    if settings.profile:
        # A profile in samconfig.toml would otherwise win over AWS_PROFILE and plan in another account.
        argv += ["--profile", settings.profile]
    if parameters:
        argv += ["--parameter-overrides", *(f"{key}={value}" for key, value in sorted(parameters.items()))]
    output = _run(argv, project_dir, env)
    if _CHANGE_SET_ARN.search(output) is None and _SAM_NO_CHANGES in output:
        return None
    return _change_set_arn(output, "sam deploy")


def _npm_scripts(manifest: Path) -> dict[str, str]:
    try:
        scripts = json.loads(manifest.read_text(encoding="utf-8")).get("scripts") or {}
        return {str(key): str(value) for key, value in dict(scripts).items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise UserError(f"{manifest} is not a valid package.json: {exc}") from exc


def _explain_build_failure(output: str) -> str:
    return "The project's build (`npm run build`) failed, so there is no code to deploy: fix what it reports."


def require_npm_install(project_dir: Path, what: str) -> None:
    """A Node.js project (package.json) must have its npm packages before anything builds or synthesizes it."""
    if (project_dir / "package.json").is_file() and not (project_dir / "node_modules").is_dir():
        raise UserError(
            f"{what} in {project_dir} needs its npm packages: run `npm install` in the project, then plan again."
        )


def npm_build(project_dir: Path, *, region: str, settings: AwsSettings, before: str) -> str | None:
    """Run the project's ``build`` npm script, if it has one; returns a note saying so.

    Node.js projects deploy what the build left on disk (ours bundle src/ into dist/index.js with
    esbuild): without this a plan would fail on a missing asset, or silently ship an older build or
    the TypeScript sources.
    """
    manifest = project_dir / "package.json"
    if not manifest.is_file():
        return None  # not a Node.js project (a Python one, say)
    scripts = _npm_scripts(manifest)
    if "build" not in scripts:
        return None
    npm = shutil.which("npm")
    if npm is None:
        raise UserError("This project is built with `npm run build`, but npm was not found: install Node.js.")
    _run([npm, "run", "build"], project_dir, _project_env(settings, region, project_dir), _explain_build_failure)
    return f"Built the code with `npm run build` ({scripts['build']}) before {before}."


def _explain_cdk_failure(output: str) -> str | None:
    if fetch := _NPM_FETCH_FAILED.search(output):
        return (
            f"npx could not fetch the CDK CLI ({CDK_CLI_PACKAGE}) from the npm registry ({fetch.group(1)}). "
            "Install it once where the registry is reachable (`npm install -g aws-cdk`), then plan again."
        )
    if missing := _PYTHON_MISSING_MODULE.search(output):
        module = missing.group(1)
        what = "aws-cdk-lib" if module.split(".")[0] in _CDK_LIBRARIES else f"the module {module}"
        return (
            f"The CDK app is a Python program and the Python that ran it lacks {what}. Create the project's "
            "virtual environment and install its deploy dependencies (`python3 -m venv .venv && "
            ".venv/bin/pip install -e '.[deploy]'` in the project); durable-mcp runs the app with .venv first "
            "on PATH. Then plan again."
        )
    if unbootstrapped := _CDK_NOT_BOOTSTRAPPED.search(output):
        environment = unbootstrapped.group(1)
        return (
            f"The CDK is not bootstrapped in {environment}: `cdk deploy` publishes code and templates to the "
            "bucket and roles that `cdk bootstrap` creates (the CDKToolkit stack). Run `npx cdk bootstrap "
            f"{environment}` in the project once for this account and region, then plan again."
        )
    if outdated := _CDK_OLD_BOOTSTRAP.search(output):
        needed, found, environment = outdated.groups()
        return (
            f"The CDK bootstrap stack in {environment} is version {found}, and this app needs version {needed} "
            f"or later: run `npx cdk bootstrap {environment}` in the project to update it, then plan again."
        )
    if _CDK_NO_SUCH_STACK in output:
        return (
            "The CDK app has no stack by that id: stack_name must be the id of a stack in the app "
            "(`npx cdk list` in the project shows them)."
        )
    if missing := _CDK_MISSING_ASSET.search(output):
        return (
            f"The CDK app deploys code from {missing.group(1)}, which does not exist: build the code first "
            "(add a `build` script to package.json so that durable-mcp runs it, or run your build yourself)."
        )
    return None


class PreparedChangeSet(NamedTuple):
    change_set: str
    """The ARN the CLI printed (the name when it printed none)."""
    stack_name: str
    """The CloudFormation stack's name, which differs from the CDK stack id when the app sets stackName."""
    region: str
    """Where the change set is: the region in its ARN, which a stack's ``env`` can pin elsewhere."""


def cdk_prepare_change_set(
    project_dir: Path,
    *,
    stack_name: str,
    region: str,
    parameters: dict[str, str],
    change_set_name: str,
    settings: AwsSettings,
) -> PreparedChangeSet:
    """``cdk deploy --method=prepare-change-set``: synthesize, publish assets, create the change set."""
    cdk = cdk_cli(project_dir)
    if cdk is None:
        in_project = " or `npm install --save-dev aws-cdk` in the project"
        local = in_project if (project_dir / "package.json").is_file() else ""
        raise UserError(
            f"This is a CDK project but neither the CDK CLI nor Node.js's npx was found. Install Node.js and "
            f"the CLI (`npm install -g aws-cdk`{local}) and bootstrap the account once (`cdk bootstrap`), "
            "then plan again."
        )
    argv = [
        *cdk,
        "deploy",
        stack_name,
        "--method=prepare-change-set",
        f"--change-set-name={change_set_name}",
        "--require-approval=never",
        "--progress=events",
        "--no-notices",
    ]
    if settings.profile:
        # A "profile" in cdk.json would otherwise win over AWS_PROFILE and plan in another account.
        argv.append(f"--profile={settings.profile}")
    argv += [f"--parameters={key}={value}" for key, value in sorted(parameters.items())]
    output = _run(argv, project_dir, _project_env(settings, region, project_dir), _explain_cdk_failure)
    change_set, stack = _CHANGE_SET_ARN.search(output), _CDK_CREATING_CHANGE_SET.search(output)
    arn = change_set.group(0) if change_set else None
    return PreparedChangeSet(
        change_set=arn or change_set_name,
        stack_name=stack.group(1) if stack else stack_name,
        region=arn.split(":")[3] if arn else region,
    )


def _change_set_arn(output: str, command: str) -> str:
    match = _CHANGE_SET_ARN.search(output)
    if match is None:
        raise UserError(f"`{command}` finished but printed no change set ARN; output ended with: {output[-500:]}")
    return match.group(0)
