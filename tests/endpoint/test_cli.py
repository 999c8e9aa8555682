"""``durable-mcp endpoint`` serves registered handlers to boto3 until stopped."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

HANDLER = Path(__file__).parent / "handlers" / "orders.py"


@pytest.fixture
def endpoint_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "durable_mcp",
            "--store",
            str(tmp_path / "executions.sqlite3"),
            "endpoint",
            "--port",
            "0",
            "--function",
            f"orders={HANDLER}:handler",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
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
