"""Models of the deploy flow: a plan the user confirms, then the result of applying it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from durable_mcp.errors import UserError

Method = Literal["auto", "sam", "cdk", "cloudformation"]
ResolvedMethod = Literal["sam", "cdk", "cloudformation"]
Tool = Literal["boto3", "sam-cli", "cdk-cli"]


class ResourceChange(BaseModel):
    action: str = Field(description="Add, Modify, Remove, Import, Dynamic")
    logical_id: str
    resource_type: str
    physical_id: str | None = None
    replacement: str | None = Field(default=None, description="True, False or Conditional (Modify only)")

    def describe(self) -> str:
        line = f"{self.action} {self.logical_id} ({self.resource_type})"
        if self.physical_id:
            line += f" [{self.physical_id}]"
        if self.replacement and self.replacement != "False":
            line += f" replacement={self.replacement}"
        return line


class DeploymentPlan(BaseModel):
    """A created, not yet executed change set: the preview the user confirms or declines."""

    stack_name: str
    region: str
    method: ResolvedMethod
    tool: Tool
    change_set_name: str
    change_set_arn: str | None
    change_set_type: Literal["CREATE", "UPDATE"]
    changes: list[ResourceChange]
    preview: list[str] = Field(description="the changes as readable lines")
    artifact_bucket: str | None = None
    notes: list[str] = Field(default_factory=list)
    no_changes: bool = False


class StackEvent(BaseModel):
    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str | None = None

    def describe(self) -> str:
        reason = f": {self.reason}" if self.reason else ""
        return f"{self.logical_id} ({self.resource_type}) {self.status}{reason}"


Progress = Callable[[StackEvent], None]


class DeployedFunction(BaseModel):
    logical_id: str
    function_arn: str | None = None
    version_arn: str | None = None
    alias_arn: str | None = None


class DeploymentFailure(BaseModel):
    logical_id: str
    resource_type: str
    status: str
    reason: str


class DeploymentResult(BaseModel):
    stack_name: str
    stack_id: str | None = None
    status: str
    functions: list[DeployedFunction] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)
    failure: DeploymentFailure | None = None
    notes: list[str] = Field(default_factory=list)


class DeploymentFailedError(UserError):
    """The stack operation failed; ``result`` names the failing resource and the reason."""

    def __init__(self, result: DeploymentResult) -> None:
        failure = result.failure
        what = (
            f"resource {failure.logical_id} ({failure.resource_type}) {failure.status}: {failure.reason}"
            if failure
            else "no resource reported a failure reason"
        )
        notes = " ".join(result.notes)
        super().__init__(f"Deployment of stack {result.stack_name} failed ({result.status}); {what}. {notes}".strip())
        self.result = result
