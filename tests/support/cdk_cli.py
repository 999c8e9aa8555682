"""The CDK toolchain (CLI, aws-cdk-lib, tsx, esbuild) for tests that run the real ``cdk`` against moto.

Installed once into the shared npm cache by :mod:`tests.support.node_toolchain` (248 MB; with a cold
cache the CDK CLI tests took 62 s instead of 44 s on the 2-core machine). A failed npm install is an
error, never a skip.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.install_once import bin_dir_with
from tests.support.node_toolchain import DURABLE_JS, link_node_modules, toolchain

# The versions these tests were verified with (CLI output wording, bootstrap template version 33).
CDK_PROJECT_PACKAGES = {
    "@aws/durable-execution-sdk-js": DURABLE_JS["@aws/durable-execution-sdk-js"],
    "aws-cdk": "2.1148.1",
    "aws-cdk-lib": "2.276.0",
    "constructs": "10.8.1",
    "esbuild": "0.28.2",
    "tsx": "4.23.15",
}
ACCOUNT = "123456789012"
BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"


def install_cdk(project: Path) -> Path:
    """What `npm install` in a CDK project gives: node_modules with the CLI under node_modules/.bin."""
    link_node_modules(project, CDK_PROJECT_PACKAGES)
    return project / "node_modules" / ".bin" / "cdk"


def cdk_bin_dir() -> Path:
    """A directory holding only ``cdk``: what `npm install -g aws-cdk` puts on PATH."""
    root = toolchain(CDK_PROJECT_PACKAGES)
    return bin_dir_with(root / "global-bin", root / "node_modules" / ".bin" / "cdk")


def cdk(cwd: Path, *args: str, timeout: int = 300) -> str:
    """Run the cached ``cdk`` in ``cwd`` (AWS settings from the environment); fail the test on a non-zero exit."""
    env = {**os.environ, "CDK_DISABLE_VERSION_CHECK": "1"}
    done = subprocess.run(
        [str(toolchain(CDK_PROJECT_PACKAGES) / "node_modules" / ".bin" / "cdk"), *args, "--no-notices"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"cdk {' '.join(args)} failed:\n{output[-4000:]}"
    return output


def bootstrap(region: str) -> None:
    """``cdk bootstrap`` the moto account in ``region`` once (the bootstrap stack is kept per moto server).

    It runs outside any project: in a directory with cdk.json the CLI would synthesize the app first.
    """
    import boto3

    ssm = boto3.client("ssm", region_name=region)
    try:
        ssm.get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)
        return
    except ssm.exceptions.ParameterNotFound:
        pass
    cdk(toolchain(CDK_PROJECT_PACKAGES), "bootstrap", f"aws://{ACCOUNT}/{region}")
