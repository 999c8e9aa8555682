"""Make the in-process moto server answer change set calls the way CloudFormation does.

The CDK CLI relies on three behaviours when it prepares a change set for a stack that already exists,
and moto 5.2.5 has none of them:
- it first deletes any change set of the same name ("Removing existing change set ... if it exists").
  On AWS, DeleteChangeSet of a missing change set on an existing stack succeeds; moto fails with an
  internal error (UnboundLocalError, HTTP 500).
- it then waits until DescribeChangeSet answers ``ChangeSetNotFound`` (404); moto answers
  ``ValidationError: Stack with id <change set> does not exist``.
- it passes ``BootstrapVersion`` (an ``AWS::SSM::Parameter::Value<String>`` parameter) with
  UsePreviousValue. On AWS the previous value of such a parameter is the SSM parameter's name; moto
  takes the value it resolved ("33"), looks that up as a name, and crashes executing the change set
  (AttributeError, HTTP 500). For the same reason a stack created from a change set keeps no
  parameters in moto, so it never sees an unchanged app as "didn't contain changes"; the stand-in
  compares the parameters in effect, as CloudFormation does.
"""

from __future__ import annotations

from typing import Any

import pytest
from moto.cloudformation.exceptions import CloudFormationError
from moto.cloudformation.models import CloudFormationBackend, Stack

SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::"


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFoundException"

    def __init__(self, name: str) -> None:
        super().__init__(f"ChangeSet [{name}] does not exist")


def _known(backend: CloudFormationBackend, name_or_arn: str) -> bool:
    return name_or_arn in backend.change_sets or any(
        change_set.change_set_name == name_or_arn for change_set in backend.change_sets.values()
    )


def _stack_parameters(stack: Stack) -> dict[str, Any]:
    """Parameter values as a later UsePreviousValue sees them: SSM-typed ones by name, not resolved."""
    resource_map = stack.resource_map
    values = dict(resource_map.resolved_parameters)
    for name, slot in resource_map._template.get("Parameters", {}).items():
        if str(slot.get("Type", "")).startswith(SSM_PARAMETER_TYPE):
            values[name] = resource_map.input_parameters.get(name, slot.get("Default"))
    return values


@pytest.fixture
def moto_change_sets_as_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    delete, describe = CloudFormationBackend.delete_change_set, CloudFormationBackend.describe_change_set

    def delete_change_set(self: CloudFormationBackend, change_set_name: str) -> None:
        if _known(self, change_set_name):
            delete(self, change_set_name)

    def describe_change_set(self: CloudFormationBackend, change_set_name: str) -> Any:
        if not _known(self, change_set_name):
            raise ChangeSetNotFound(change_set_name)
        return describe(self, change_set_name)

    monkeypatch.setattr(CloudFormationBackend, "delete_change_set", delete_change_set)
    monkeypatch.setattr(CloudFormationBackend, "describe_change_set", describe_change_set)
    monkeypatch.setattr(Stack, "stack_parameters", property(_stack_parameters))
    monkeypatch.setattr(Stack, "has_parameters", lambda self, other: _stack_parameters(self) == other)


@pytest.fixture
def moto_on_localhost(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``AWS_ENDPOINT_URL`` naming the moto server ``localhost`` rather than 127.0.0.1.

    The SAM and CDK CLIs upload the template and pass a path-style ``TemplateURL`` on the custom
    endpoint; moto finds the bucket in such a URL only when the host is ``localhost`` (with 127.0.0.1
    the CDK's change set fails with "The specified bucket does not exist").
    """
    endpoint = aws_env.replace("127.0.0.1", "localhost")
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    return endpoint
