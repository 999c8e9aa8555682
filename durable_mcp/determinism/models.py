"""Public results of the determinism and interruption checks (pydantic, JSON-ready)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from durable_mcp.determinism.method import DESCRIPTION


class OperationSignature(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: str
    name: str | None = None
    sub_type: str | None = None
    parent_id: str | None = None

    def describe(self) -> str:
        label = f"{self.type}" + (f"/{self.sub_type}" if self.sub_type else "")
        return f"{label} {self.name!r}" if self.name is not None else f"{label} (unnamed)"


class SourceRead(BaseModel):
    """A read of a non-deterministic source by user code outside any step."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="what was read, e.g. Date.now, random.random, uuid.uuid4")
    file: str
    line: int


class Divergence(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["operation", "outcome", "result"] = Field(
        description="operation: a different operation at this position; outcome: the replay ended "
        "differently (e.g. the SDK's non-determinism error); result: the execution result changed"
    )
    invocation: int = Field(description="1-based invocation number of the recorded run")
    position: int | None = Field(default=None, description="0-based operation position in the execution")
    expected: OperationSignature | None = None
    actual: OperationSignature | None = None
    message: str
    sources: list[SourceRead] = Field(
        default_factory=list, description="where the replay read the clock/random/UUIDs outside steps"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def line(self) -> str | None:
        """``file:line`` of the first read outside a step, when one was seen."""
        return f"{self.sources[0].file}:{self.sources[0].line}" if self.sources else None


class InterruptionFinding(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["ran_twice", "result_changed", "history_changed", "outcome_changed"]
    after_checkpoint: int = Field(description="the invocation ended before checkpoint call N+1")
    step: str | None = None
    message: str


class InterruptionReport(BaseModel):
    checkpoints: int = Field(description="checkpoint calls in the uninterrupted run")
    interruptions_run: int
    findings: list[InterruptionFinding] = Field(default_factory=list)
    volatile_steps: list[str] = Field(
        default_factory=list,
        description="steps whose results differ between two uninterrupted runs (not compared)",
    )


class DeterminismReport(BaseModel):
    handler: str
    deterministic: bool
    divergences: list[Divergence] = Field(default_factory=list)
    invocations: int = Field(description="invocations in the recorded run")
    status: str = Field(description="final status of the recorded run")
    interruption: InterruptionReport | None = None
    description: str = DESCRIPTION
