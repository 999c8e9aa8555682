"""Every durable operation boto3 can send lands on the right service method with the right members.

The service here records calls and answers with fixed boto3-shaped dicts: it isolates the HTTP
mapping (paths, query strings, headers, payload members, timestamps, error names) from the
engine, which tests/endpoint/test_boto3_acceptance.py drives for real.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.config import Config

from durable_mcp.endpoint.server import EndpointServer, serve
from durable_mcp.engine.errors import (
    CallbackTimeoutException,
    DurableExecutionAlreadyStartedException,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from durable_mcp.errors import UserError

ARN = "arn:aws:lambda:us-east-1:000000000000:function:wf:1/durable-execution/order-42/0f1e2d3c"
WHEN = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


class RecordingService:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.raise_next: Exception | None = None

    def record(self, arn: str) -> SimpleNamespace:
        """Every execution here has already ended (read by a synchronous Invoke)."""
        return SimpleNamespace(terminal=True, token_live=False, invoke_due=False)

    def __getattr__(self, name: str) -> Any:
        def method(**kwargs: Any) -> dict[str, Any]:
            self.calls.append((name, kwargs))
            if self.raise_next is not None:
                error, self.raise_next = self.raise_next, None
                raise error
            return ANSWERS.get(name, {})

        return method


ANSWERS: dict[str, dict[str, Any]] = {
    "get_durable_execution": {
        "DurableExecutionArn": ARN,
        "DurableExecutionName": "order-42",
        "FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:wf:1",
        "Status": "SUCCEEDED",
        "StartTimestamp": WHEN,
        "EndTimestamp": WHEN,
    },
    "stop_durable_execution": {"StopTimestamp": WHEN},
    "delete_durable_execution": {"DeletionRequestTimestamp": WHEN},
    "invoke": {
        "StatusCode": 200,
        "Payload": b'{"ok": true}',
        "DurableExecutionArn": ARN,
        "ExecutedVersion": "1",
    },
}


@pytest.fixture
def recorder() -> Iterator[tuple[RecordingService, Any]]:
    service = RecordingService()
    server: EndpointServer = serve(service)
    client = boto3.client(
        "lambda",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"total_max_attempts": 1}),
    )
    try:
        yield service, client
    finally:
        server.close()


def test_checkpoint_carries_the_decoded_arn_and_body_members(recorder: tuple[RecordingService, Any]) -> None:
    service, client = recorder
    update = {"Id": "s1", "Type": "STEP", "Action": "START", "Name": "charge"}
    client.checkpoint_durable_execution(DurableExecutionArn=ARN, CheckpointToken="dG9rZW4=", Updates=[update])
    name, kwargs = service.calls[-1]
    assert name == "checkpoint_durable_execution"
    assert kwargs["DurableExecutionArn"] == ARN
    assert kwargs["CheckpointToken"] == "dG9rZW4="
    assert kwargs["Updates"] == [update]
    assert kwargs["ClientToken"]  # botocore fills the idempotency token


def test_query_members_are_typed(recorder: tuple[RecordingService, Any]) -> None:
    service, client = recorder
    client.get_durable_execution_history(
        DurableExecutionArn=ARN, IncludeExecutionData=True, MaxItems=50, ReverseOrder=False, Marker="m1"
    )
    assert service.calls[-1] == (
        "get_durable_execution_history",
        {
            "DurableExecutionArn": ARN,
            "IncludeExecutionData": True,
            "MaxItems": 50,
            "ReverseOrder": False,
            "Marker": "m1",
        },
    )
    client.get_durable_execution_state(DurableExecutionArn=ARN, CheckpointToken="dA==", MaxItems=1000)
    assert service.calls[-1][1] == {"DurableExecutionArn": ARN, "CheckpointToken": "dA==", "MaxItems": 1000}


def test_list_by_function_reads_repeated_statuses_and_timestamps(recorder: tuple[RecordingService, Any]) -> None:
    service, client = recorder
    client.list_durable_executions_by_function(
        FunctionName="wf", Qualifier="live", Statuses=["RUNNING", "PAUSED"], StartedAfter=WHEN, MaxItems=10
    )
    name, kwargs = service.calls[-1]
    assert name == "list_durable_executions_by_function"
    assert kwargs["FunctionName"] == "wf"
    assert kwargs["Qualifier"] == "live"
    assert kwargs["Statuses"] == ["RUNNING", "PAUSED"]
    assert kwargs["StartedAfter"] == WHEN
    assert kwargs["MaxItems"] == 10


def test_timestamps_travel_as_epoch_seconds_and_parse_back(recorder: tuple[RecordingService, Any]) -> None:
    _, client = recorder
    execution = client.get_durable_execution(DurableExecutionArn=ARN)
    assert execution["StartTimestamp"] == WHEN
    assert execution["Status"] == "SUCCEEDED"


def test_callbacks_pass_raw_result_bytes_and_error_objects(recorder: tuple[RecordingService, Any]) -> None:
    service, client = recorder
    callback_id = "Y2IxMjM="
    client.send_durable_execution_callback_success(CallbackId=callback_id, Result=b'{"approved": true}')
    assert service.calls[-1] == (
        "send_durable_execution_callback_success",
        {"CallbackId": callback_id, "Result": b'{"approved": true}'},
    )
    error = {"ErrorType": "Rejected", "ErrorMessage": "no"}
    client.send_durable_execution_callback_failure(CallbackId=callback_id, Error=error)
    assert service.calls[-1] == ("send_durable_execution_callback_failure", {"CallbackId": callback_id, "Error": error})
    client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)
    assert service.calls[-1] == ("send_durable_execution_callback_heartbeat", {"CallbackId": callback_id})


def test_control_operations(recorder: tuple[RecordingService, Any]) -> None:
    service, client = recorder
    stopped = client.stop_durable_execution(DurableExecutionArn=ARN, Error={"ErrorMessage": "bye"})
    assert stopped["StopTimestamp"] == WHEN
    assert service.calls[-1] == (
        "stop_durable_execution",
        {"DurableExecutionArn": ARN, "Error": {"ErrorMessage": "bye"}},
    )
    paused = client.pause_durable_execution(DurableExecutionArn=ARN, Reason="maintenance")
    assert paused["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert service.calls[-1][1]["Reason"] == "maintenance"
    client.resume_durable_execution(DurableExecutionArn=ARN)
    assert service.calls[-1][0] == "resume_durable_execution"
    deleted = client.delete_durable_execution(DurableExecutionArn=ARN)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert service.calls[-1] == ("delete_durable_execution", {"DurableExecutionArn": ARN})


def test_invoke_maps_headers_and_returns_the_execution_arn(recorder: tuple[RecordingService, Any]) -> None:
    service, client = recorder
    response = client.invoke(
        FunctionName="wf:live", Payload=b'{"n": 1}', DurableExecutionName="order-42", InvocationType="Event"
    )
    assert service.calls[-1] == (
        "invoke",
        {
            "FunctionName": "wf:live",
            "Payload": b'{"n": 1}',
            "DurableExecutionName": "order-42",
            "InvocationType": "Event",
        },
    )
    assert response["DurableExecutionArn"] == ARN
    assert response["ExecutedVersion"] == "1"
    assert response["Payload"].read() == b'{"ok": true}'
    client.invoke(FunctionName="wf", Qualifier="3", Payload=b"{}")
    assert service.calls[-1][1]["Qualifier"] == "3"
    assert service.calls[-1][1]["InvocationType"] == "RequestResponse"


@pytest.mark.parametrize(
    "error",
    [
        ResourceNotFoundException("no such execution"),
        ResourceConflictException("not terminal"),
        CallbackTimeoutException("callback timed out"),
        DurableExecutionAlreadyStartedException("name reused with another payload"),
        TooManyRequestsException("slow down"),
    ],
)
def test_service_errors_become_named_boto3_exceptions(recorder: tuple[RecordingService, Any], error: Exception) -> None:
    service, client = recorder
    service.raise_next = error
    exception_class = getattr(client.exceptions, type(error).__name__)
    with pytest.raises(exception_class) as raised:
        client.get_durable_execution(DurableExecutionArn=ARN)
    assert raised.value.response["Error"]["Message"] == str(error).split(": ", 1)[1]


def test_unknown_path_is_a_named_404(recorder: tuple[RecordingService, Any]) -> None:
    import urllib.error
    import urllib.request

    _, client = recorder
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{client.meta.endpoint_url}/2025-12-01/nowhere")
    assert raised.value.code == 404
    assert raised.value.headers["x-amzn-ErrorType"] == "UnknownOperationException"


def test_non_loopback_bind_needs_explicit_permission() -> None:
    with pytest.raises(UserError, match="--allow-remote"):
        serve(RecordingService(), host="0.0.0.0")


def test_chunked_request_bodies_are_read(recorder: tuple[RecordingService, Any]) -> None:
    import http.client

    service, client = recorder
    url = client.meta.endpoint_url.removeprefix("http://")
    connection = http.client.HTTPConnection(url)
    body = b'{"CheckpointToken": "dA==", "Updates": []}'
    chunks = [body[:10], body[10:]]
    # An iterable body without a length is sent with Transfer-Encoding: chunked.
    connection.request("POST", "/2025-12-01/durable-executions/arn%3Ax/checkpoint", body=iter(chunks))
    assert connection.getresponse().status == 200
    assert service.calls[-1] == (
        "checkpoint_durable_execution",
        {"DurableExecutionArn": "arn:x", "CheckpointToken": "dA==", "Updates": []},
    )
