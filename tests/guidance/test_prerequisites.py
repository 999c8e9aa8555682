"""check_durable_prerequisites probes real executables concurrently and never fails on a missing one.

Tools absent from this machine (SAM, CDK) are stood in for by small executables on a private PATH,
so the version parsing and verdicts run against real subprocesses.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from durable_mcp.guidance import prerequisites as pre

SLEEP = shutil.which("sleep")  # resolved before the tests narrow PATH to their own folder
VERSIONS = {
    "aws": "aws-cli/2.34.1 Python/3.13.7 Linux/6.8 exe/x86_64.ubuntu.24",
    "node": "v22.14.0",
    "python3": "Python 3.13.1",
    "sam": "SAM CLI, version 1.153.1",
    "cdk": "2.1100.0 (build 1a2b3c4)",
}


def _tool(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


@pytest.fixture
def no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("AWS_") and key != "AWS_CA_BUNDLE":
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def _spec(name: str) -> pre.ToolSpec:
    return next(spec for spec in pre.TOOLS if spec.name == name)


def test_current_versions_are_ok(bin_dir: Path, no_credentials: None) -> None:
    for name, output in VERSIONS.items():
        _tool(bin_dir, name, f"echo '{output}'")
    report = pre.check_durable_prerequisites(timeout=5)
    found = {c.name: (c.verdict, c.found) for c in report.checks}
    assert found["aws-cli"] == ("ok", "2.34.1")
    assert found["node"] == ("ok", "22.14.0")
    assert found["python"] == ("ok", "3.13.1")
    assert found["sam-cli"] == ("ok", "1.153.1")
    assert found["cdk"] == ("ok", "2.1100.0")
    assert report.ready_languages == ["typescript", "javascript", "python"]
    assert report.ready_iac == ["cdk", "sam", "cloudformation"]
    assert all(c.fix is None for c in report.checks if c.verdict == "ok" and c.name != "aws-credentials")


@pytest.mark.parametrize(
    ("tool", "output", "found"),
    [
        ("aws", "aws-cli/1.45.11 Python/3.11.7 Linux/6.18 botocore/1.43.11", "1.45.11"),
        ("aws", "aws-cli/2.33.21 Python/3.13.7", "2.33.21"),
        ("node", "v20.20.2", "20.20.2"),
        ("sam", "SAM CLI, version 1.153.0", "1.153.0"),
        ("cdk", "2.200.0 (build 0a1b2c3)", "2.200.0"),
    ],
)
def test_older_versions_are_outdated_with_a_fix(bin_dir: Path, tool: str, output: str, found: str) -> None:
    _tool(bin_dir, tool, f"echo '{output}'")
    spec = next(s for s in pre.TOOLS if tool in s.commands)
    check = pre.check_tool(spec)
    assert (check.verdict, check.found) == ("outdated", found)
    assert check.fix and "install" in check.fix.lower()
    assert check.path == str(bin_dir / tool)


def test_python_3_11_is_ok_but_notes_the_runtime_that_ships_the_sdk(bin_dir: Path) -> None:
    _tool(bin_dir, "python3", "echo 'Python 3.11.7'")
    check = pre.check_tool(_spec("python"))
    assert check.verdict == "ok"
    assert "python3.13" in check.detail


def test_python_falls_back_to_the_python_command(bin_dir: Path) -> None:
    _tool(bin_dir, "python", "echo 'Python 3.12.4'")
    assert pre.check_tool(_spec("python")).found == "3.12.4"


def test_missing_tool_is_reported_not_raised(bin_dir: Path) -> None:
    check = pre.check_tool(_spec("sam-cli"))
    assert check.verdict == "missing"
    assert check.found is None
    assert "sam" in check.detail and check.fix


def test_unrecognised_output_or_failure_is_unknown(bin_dir: Path) -> None:
    _tool(bin_dir, "cdk", "echo 'something odd'")
    _tool(bin_dir, "sam", "echo 'boom' >&2; exit 3")
    assert pre.check_tool(_spec("cdk")).verdict == "unknown"
    failed = pre.check_tool(_spec("sam-cli"))
    assert failed.verdict == "unknown"
    assert "exit code 3" in failed.detail and "boom" in failed.detail


def test_a_hanging_tool_times_out_as_unknown(bin_dir: Path) -> None:
    _tool(bin_dir, "node", f"exec {SLEEP} 30")
    started = time.monotonic()
    check = pre.check_tool(_spec("node"), timeout=0.5)
    assert time.monotonic() - started < 5
    assert check.verdict == "unknown"
    assert "did not answer" in check.detail


def test_probes_run_concurrently(bin_dir: Path, no_credentials: None) -> None:
    for name, output in VERSIONS.items():
        _tool(bin_dir, name, f"{SLEEP} 1; echo '{output}'")
    started = time.monotonic()
    report = pre.check_durable_prerequisites(timeout=5)
    assert time.monotonic() - started < 3.5  # five one-second probes, not run one after another
    assert all(c.verdict == "ok" for c in report.checks if c.name != "aws-credentials")


def test_no_credentials_is_missing_with_a_fix(bin_dir: Path, no_credentials: None) -> None:
    report = pre.check_durable_prerequisites(timeout=2)
    creds = next(c for c in report.checks if c.name == "aws-credentials")
    assert creds.verdict == "missing"
    assert "aws configure" in (creds.fix or "")
    assert report.aws_reachable is False
    assert "aws-credentials missing" in report.summary


def test_unknown_profile_is_missing(no_credentials: None) -> None:
    check = pre.check_credentials(profile="not-a-profile", timeout=2)
    assert check.verdict == "missing"
    assert "not-a-profile" in check.detail


@pytest.fixture
def moto_sts(no_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_credentials_resolve_to_the_account_through_an_endpoint_from_the_environment(
    moto_sts: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_sts)
    check = pre.check_credentials(region="eu-west-1", timeout=5)
    assert (check.verdict, check.found) == ("ok", "123456789012")
    assert "arn:aws:sts::123456789012:user/moto" in check.detail
    assert "eu-west-1" in check.detail


def test_credentials_use_an_explicit_endpoint_and_warn_without_region(moto_sts: str) -> None:
    check = pre.check_credentials(sts_endpoint_url=moto_sts, timeout=5)
    assert check.verdict == "ok"
    assert check.fix and "region" in check.fix


def test_unreachable_sts_is_unknown_and_quick(no_credentials: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    check = pre.check_credentials(region="us-east-1", sts_endpoint_url=f"http://127.0.0.1:{port}", timeout=1)
    assert time.monotonic() - started < 5
    assert check.verdict == "unknown"
    assert "STS did not answer" in check.detail


def test_a_lambda_endpoint_override_is_reported_but_not_used_for_sts(
    bin_dir: Path, moto_sts: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_sts)
    report = pre.check_durable_prerequisites(region="us-east-1", endpoint_url="http://127.0.0.1:9", timeout=3)
    creds = next(c for c in report.checks if c.name == "aws-credentials")
    assert (creds.verdict, creds.found) == ("ok", "123456789012")
    assert report.aws_reachable
    assert "Lambda calls go to http://127.0.0.1:9" in report.summary
