"""The boto3 adapter: lazy session, retries, user agent, endpoints, credentials and routing."""

from __future__ import annotations

import pytest

from durable_mcp.aws.errors import AwsUnavailableError
from durable_mcp.aws.session import USER_AGENT, AwsClients, AwsSettings
from tests.inspect.histories import ARN, LOCAL_ARN


def test_nothing_is_created_until_first_use():
    clients = AwsClients(AwsSettings(profile="does-not-exist"))
    assert clients._session is None


def test_clients_use_standard_retries_and_name_durable_mcp_in_the_user_agent(aws_env):
    sts = AwsClients().client("sts")
    seen: list[str] = []
    sts.meta.events.register("before-send", lambda request, **_: seen.append(request.headers["User-Agent"]))
    assert sts.get_caller_identity()["Account"] == "123456789012"
    assert sts.meta.config.retries["mode"] == "standard"
    agent = seen[0].decode() if isinstance(seen[0], bytes) else seen[0]
    assert USER_AGENT in agent


def test_endpoint_url_redirects_lambda_only(aws_env):
    clients = AwsClients(AwsSettings(endpoint_url="http://127.0.0.1:9"))
    assert clients.client("lambda").meta.endpoint_url == "http://127.0.0.1:9"
    assert clients.client("logs").meta.endpoint_url == aws_env


def test_boto3_lambda_endpoint_variable_is_honoured(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:8")
    assert AwsClients().client("lambda").meta.endpoint_url == "http://127.0.0.1:8"


def test_missing_credentials_raise_the_dedicated_error(aws_env, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(AwsUnavailableError, match="continue without AWS"):
        AwsClients().client("lambda")
    local = AwsClients(AwsSettings(endpoint_url="http://127.0.0.1:9"))
    assert local.client("lambda").meta.endpoint_url == "http://127.0.0.1:9"


def test_unknown_profile_is_a_user_error(aws_env):
    with pytest.raises(AwsUnavailableError, match="nope"):
        AwsClients(AwsSettings(profile="nope")).client("lambda")


def test_missing_region_is_a_user_error(aws_env, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(AwsUnavailableError, match="--region"):
        AwsClients().client("lambda")


def test_local_arns_go_to_the_local_engine(aws_env):
    engine = object()
    clients = AwsClients(local=engine)  # type: ignore[arg-type]
    assert clients.lambda_for(LOCAL_ARN) is engine
    assert clients.lambda_for(ARN) is clients.client("lambda")
