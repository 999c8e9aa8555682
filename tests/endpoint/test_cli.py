"""``durable-mcp endpoint`` serves registered handlers to boto3 until stopped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.endpoint.test_boto3_acceptance import eventually, open_callback_id
from tests.runtimes.conftest import ESBUILD_TOOLCHAIN, HANDLERS
from tests.support.node_toolchain import link_node_modules

HANDLER = Path(__file__).parent / "handlers" / "orders.py"
TS_HANDLER = HANDLERS / "workflow.ts"


def start_endpoint(tmp_path: Path, *options: str) -> subprocess.Popen[str]:
    store = str(tmp_path / "executions.sqlite3")
    command = [sys.executable, "-m", "durable_mcp", "--store", store, "endpoint", "--port", "0", *options]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


@pytest.fixture
def endpoint_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = start_endpoint(tmp_path, "--isolated", "--function", f"orders={HANDLER}:handler")
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("durable-mcp endpoint listening on "), first
    try:
        yield process, first.rsplit(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(url: str) -> Any:
    return boto3.client(
        "lambda", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def test_endpoint_command_serves_a_registered_python_handler(
    endpoint_process: tuple[subprocess.Popen[str], str],
) -> None:
    _, url = endpoint_process
    response = client(url).invoke(FunctionName="orders:live", Payload=json.dumps({"amount": 4, "wait": 60}))
    assert json.loads(response["Payload"].read()) == {"total": 8}
    listed = client(url).list_durable_executions_by_function(FunctionName="orders")["DurableExecutions"]
    assert [item["Status"] for item in listed] == ["SUCCEEDED"]


def test_endpoint_command_refuses_a_public_bind_without_allow_remote() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "durable_mcp", "endpoint", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--allow-remote" in done.stderr


@pytest.mark.node
def test_endpoint_command_serves_a_typescript_handler_to_boto3(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(TS_HANDLER, project / "workflow.ts")
    link_node_modules(project, ESBUILD_TOOLCHAIN)
    process = start_endpoint(tmp_path, "--function", f"workflow={project / 'workflow.ts'}:handler")
    try:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" ", 1)[1].strip()
        lambda_client = client(url)
        arn = lambda_client.invoke(
            FunctionName="workflow:live", InvocationType="Event", Payload=json.dumps({"amount": 21})
        )["DurableExecutionArn"]
        callback_id = eventually(lambda: open_callback_id(lambda_client, arn))
        lambda_client.send_durable_execution_callback_success(CallbackId=callback_id, Result=b"approved")
        done = eventually(
            lambda: (e := lambda_client.get_durable_execution(DurableExecutionArn=arn))["Status"] == "SUCCEEDED" and e
        )
        assert json.loads(done["Result"]) == {"total": 42, "answer": "approved"}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(shutil.which("aws") is None, reason="AWS CLI not installed")
@pytest.mark.slow
def test_the_aws_cli_works_against_the_endpoint(
    endpoint_process: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    _, url = endpoint_process
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
    }

    def aws(*args: str) -> str:
        done = subprocess.run(
            ["aws", "lambda", *args, "--endpoint-url", url, "--output", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    request, out = tmp_path / "request.json", tmp_path / "payload.json"
    request.write_text('{"amount": 3}')  # fileb:// reads raw bytes in AWS CLI v1 and v2 alike
    invoked = json.loads(aws("invoke", "--function-name", "orders:live", "--payload", f"fileb://{request}", str(out)))
    assert json.loads(out.read_text()) == {"total": 6}
    execution = json.loads(aws("get-durable-execution", "--durable-execution-arn", invoked["DurableExecutionArn"]))
    assert execution["Status"] == "SUCCEEDED"


def test_an_execution_waiting_for_a_callback_resumes_on_an_endpoint_started_without_its_function(
    tmp_path: Path,
) -> None:
    def started(*options: str) -> tuple[subprocess.Popen[str], str]:
        process = start_endpoint(tmp_path, *options)
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("durable-mcp endpoint listening on "), first
        return process, first.rsplit(" ", 1)[1].strip()

    first, url = started("--function", f"orders={HANDLER}:handler")
    try:
        arn = client(url).invoke(FunctionName="orders:live", InvocationType="Event",
                                 Payload=json.dumps({"amount": 2, "approval": True}))["DurableExecutionArn"]
        callback_id = eventually(lambda: open_callback_id(client(url), arn))
    finally:
        first.terminate()
        first.wait(timeout=10)

    # The next endpoint serves no function at all: the execution stored which handler to resume.
    second, url = started()
    try:
        client(url).send_durable_execution_callback_success(CallbackId=callback_id, Result=b'"yes"')
        done = eventually(lambda: client(url).get_durable_execution(DurableExecutionArn=arn)["Status"] != "RUNNING")
        assert done
        execution = client(url).get_durable_execution(DurableExecutionArn=arn)
        assert execution["Status"] == "SUCCEEDED", execution.get("Error")
        assert json.loads(execution["Result"]) == {"total": 4, "answer": '"yes"'}
    finally:
        second.terminate()
        second.wait(timeout=10)
