"""The one boto3 adapter: lazily created session, standard credential chain, standard retries.

Lambda calls honour ``--endpoint-url`` and boto3's own ``AWS_ENDPOINT_URL_LAMBDA``, so the same
code reaches AWS or the local durable-mcp endpoint. Executions of the in-process local engine
(account ``000000000000``) are served by a Lambda-like object handed in by the server.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, cast
from urllib.parse import urlparse

import structlog
from pydantic import BaseModel

from durable_mcp import __version__
from durable_mcp.aws.arns import LOCAL_ACCOUNT, try_parse_execution_arn
from durable_mcp.aws.errors import AwsUnavailableError, aws_call, error_code

log = structlog.get_logger()

USER_AGENT = f"durable-mcp/{__version__}"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class LambdaLike(Protocol):
    """The part of boto3's Lambda client that inspection and control use.

    The engine's ``DurableService`` has the same method names, PascalCase kwargs and response
    dicts, so either can be passed wherever a ``LambdaLike`` is expected. Members are read-only
    callables so that both the client's ``**kwargs`` methods and the engine's keyword-only ones fit.
    """

    @property
    def get_durable_execution(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def get_durable_execution_history(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def list_durable_executions_by_function(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def stop_durable_execution(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def pause_durable_execution(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def resume_durable_execution(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def send_durable_execution_callback_success(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def send_durable_execution_callback_failure(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def send_durable_execution_callback_heartbeat(self) -> Callable[..., dict[str, Any]]: ...
    @property
    def invoke(self) -> Callable[..., dict[str, Any]]: ...


LocalLogs = Callable[[str], Iterable[str | Mapping[str, Any]]]
"""Returns the captured log lines of a local execution (the engine's ``LocalEngine.logs``)."""


@functools.cache
def _shared_loader() -> Any:
    import botocore.loaders

    return botocore.loaders.create_loader()


def _max_attempts() -> int:
    try:
        return max(1, int(os.environ.get("AWS_MAX_ATTEMPTS", "5")))
    except ValueError:
        return 5


class AwsSettings(BaseModel):
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None

    @property
    def lambda_endpoint(self) -> str | None:
        """The Lambda endpoint in effect: ``--endpoint-url``, else boto3's ``AWS_ENDPOINT_URL_LAMBDA``."""
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_LAMBDA") or None

    @property
    def endpoint_is_loopback(self) -> bool:
        endpoint = self.lambda_endpoint
        return endpoint is not None and urlparse(endpoint).hostname in _LOOPBACK


class AwsClients:
    """Creates boto3 clients on first use and routes local execution ARNs to the local engine."""

    def __init__(
        self,
        settings: AwsSettings | None = None,
        local: LambdaLike | None = None,
        local_logs: LocalLogs | None = None,
    ) -> None:
        self.settings = settings or AwsSettings()
        self.local = local
        self.local_logs = local_logs
        self._session: Any = None
        self._clients: dict[str, Any] = {}

    @property
    def session(self) -> Any:
        if self._session is None:
            import boto3
            import botocore.session

            core = botocore.session.get_session()
            # Service models are large JSON files; every session shares one loader and its cache.
            core.register_component("data_loader", _shared_loader())
            with aws_call("configuration"):
                self._session = boto3.Session(
                    botocore_session=core, profile_name=self.settings.profile, region_name=self.settings.region
                )
        return self._session

    def region(self) -> str:
        region = self.session.region_name
        if region:
            return str(region)
        if self.settings.endpoint_is_loopback:
            return "us-east-1"
        raise AwsUnavailableError("No AWS region configured: pass --region or set AWS_REGION.")

    def client(self, service: str, *, control_plane: bool = False) -> Any:
        """A boto3 client. ``--endpoint-url`` redirects Lambda's durable and Invoke calls only: with
        ``control_plane`` (functions, versions, configuration) Lambda calls go to AWS as usual, since a
        local durable endpoint does not serve them."""
        separate = control_plane and service == "lambda" and bool(self.settings.endpoint_url)
        key = f"{service}/control" if separate else service
        if key not in self._clients:
            # Profile and credential problems surface here, on first use, not at construction.
            with aws_call("configuration"):
                self._clients[key] = self._create_client(service, redirect=not separate)
            log.debug("aws client created", service=key, endpoint=self.settings.endpoint_url)
        return self._clients[key]

    def _create_client(self, service: str, *, redirect: bool = True) -> Any:
        from botocore.config import Config

        config = Config(
            # AWS_MAX_ATTEMPTS, when set, wins: botocore would otherwise let this Config override it.
            retries={"mode": "standard", "max_attempts": _max_attempts()},
            user_agent_extra=USER_AGENT,
            region_name=self.region(),
        )
        kwargs: dict[str, Any] = {"config": config}
        local_lambda = service == "lambda" and redirect and self.settings.endpoint_is_loopback
        if service == "lambda" and redirect and self.settings.endpoint_url:
            kwargs["endpoint_url"] = self.settings.endpoint_url
        if self.session.get_credentials() is None:
            if not local_lambda:
                raise AwsUnavailableError(
                    "No AWS credentials found (environment, profile, SSO or instance role). Configure them, "
                    "pass --profile, or continue without AWS: local executions keep working."
                )
            # The local endpoint ignores signatures, but botocore refuses to send unsigned calls.
            kwargs.update(aws_access_key_id="local", aws_secret_access_key="local")
        return self.session.client(service, **kwargs)

    def lambda_client(self) -> LambdaLike:
        return cast(LambdaLike, self.client("lambda"))

    def lambda_for(self, execution_arn: str | None) -> LambdaLike:
        """The client that owns ``execution_arn``: the server's engine for the local ARNs it holds, else
        Lambda (which a local ``durable-mcp endpoint`` may serve, with local ARNs of its own)."""
        arn = try_parse_execution_arn(execution_arn)
        local = self.local is not None and arn is not None and arn.account == LOCAL_ACCOUNT
        if local and arn is not None and (self.settings.lambda_endpoint is None or self._local_holds(arn.arn)):
            return cast(LambdaLike, self.local)
        return self.lambda_client()

    def _local_holds(self, execution_arn: str) -> bool:
        assert self.local is not None
        try:
            self.local.get_durable_execution(DurableExecutionArn=execution_arn, IncludeExecutionData=False)
        except Exception as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return False
            raise
        return True

    def account_id(self) -> str:
        with aws_call("sts:GetCallerIdentity"):
            return str(self.client("sts").get_caller_identity()["Account"])
