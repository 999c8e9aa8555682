"""Parsing of durable execution ARNs and function identifiers (no AWS calls)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from durable_mcp.errors import UserError

LOCAL_ACCOUNT: Final = "000000000000"
"""Account id of executions started by the local engine; how local ARNs are told apart."""

_EXECUTION_ARN = re.compile(
    r"^arn:(?P<partition>[a-zA-Z0-9-]+):lambda:(?P<region>[a-zA-Z0-9-]+):(?P<account>\d{12}):"
    r"function:(?P<function>[a-zA-Z0-9_-]+):(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[0-9]+)"
    r"/durable-execution/(?P<name>[a-zA-Z0-9_-]+)/(?P<invocation>[a-zA-Z0-9_-]+)$"
)
_FUNCTION_ARN = re.compile(
    r"^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:function:(?P<function>[a-zA-Z0-9_-]+)"
    r"(?::(?P<qualifier>[a-zA-Z0-9$_.-]+))?$"
)
_FUNCTION_NAME = re.compile(r"^(?P<function>[a-zA-Z0-9_-]+)(?::(?P<qualifier>[a-zA-Z0-9$_.-]+))?$")
_PARTIAL_ARN = re.compile(r"^\d{12}:function:(?P<function>[a-zA-Z0-9_-]+)(?::(?P<qualifier>[a-zA-Z0-9$_.-]+))?$")


@dataclass(frozen=True)
class ExecutionArn:
    arn: str
    partition: str
    region: str
    account: str
    function: str
    qualifier: str
    name: str
    invocation_id: str

    @property
    def is_local(self) -> bool:
        return self.account == LOCAL_ACCOUNT

    @property
    def console_url(self) -> str | None:
        """Lambda console page of the execution (None for local executions)."""
        if self.is_local:
            return None
        domain = "console.amazonaws.cn" if self.partition == "aws-cn" else "console.aws.amazon.com"
        if self.partition == "aws-us-gov":
            domain = "console.amazonaws-us-gov.com"
        fn, ver = quote(self.function, safe=""), quote(self.qualifier, safe="")
        return (
            f"https://{self.region}.{domain}/lambda/home?region={self.region}"
            f"#/functions/{fn}/versions/{ver}/executions/{self.name}/{self.invocation_id}"
        )

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.function}"


def parse_execution_arn(arn: str) -> ExecutionArn:
    match = _EXECUTION_ARN.match(arn.strip())
    if match is None:
        raise UserError(
            f"Not a durable execution ARN: {arn!r}. Expected "
            "arn:aws:lambda:REGION:ACCOUNT:function:NAME:VERSION/durable-execution/EXECUTION_NAME/ID "
            "(as returned by invoke or list executions)."
        )
    return ExecutionArn(arn=arn.strip(), invocation_id=match["invocation"], **_groups(match))


def try_parse_execution_arn(arn: str | None) -> ExecutionArn | None:
    if not arn:
        return None
    match = _EXECUTION_ARN.match(arn.strip())
    return None if match is None else ExecutionArn(arn=arn.strip(), invocation_id=match["invocation"], **_groups(match))


def _groups(match: re.Match[str]) -> dict[str, str]:
    return {k: match[k] for k in ("partition", "region", "account", "function", "qualifier", "name")}


@dataclass(frozen=True)
class FunctionRef:
    """A function identifier as the user gave it, split into name and qualifier."""

    identifier: str
    function: str
    qualifier: str | None


def parse_function(identifier: str) -> FunctionRef:
    """Accept a name, ``name:qualifier``, a partial ARN or a full ARN."""
    text = identifier.strip()
    for pattern in (_FUNCTION_ARN, _PARTIAL_ARN, _FUNCTION_NAME):
        match = pattern.match(text)
        if match is not None:
            return FunctionRef(identifier=text, function=match["function"], qualifier=match["qualifier"])
    raise UserError(f"Not a Lambda function name or ARN: {identifier!r}.")


def require_qualified(identifier: str) -> FunctionRef:
    """Durable functions are invoked through a version, an alias or ``$LATEST``; refuse the rest."""
    ref = parse_function(identifier)
    if ref.qualifier is None:
        raise UserError(
            f"'{identifier}' is unqualified. Lambda durable executions must be started through a qualified "
            "function identifier, so every replay runs the same code. Use one of: "
            f"'{ref.function}:live' (an alias, recommended), '{ref.function}:1' (a published version), "
            f"or '{ref.function}:$LATEST' (development only); the ARN forms "
            f"'arn:aws:lambda:REGION:ACCOUNT:function:{ref.function}:live' work too."
        )
    return ref
