"""The workflow patterns a project can start from, and what each one needs from its infrastructure."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from durable_mcp.errors import UserError


class Pattern(BaseModel):
    """A pattern's deployment needs; its code lives in the handler and test templates of the same key."""

    model_config = ConfigDict(frozen=True)

    key: str
    summary: str
    execution_timeout_s: int
    retention_days: int
    # An outside system answers callbacks: the stack exports a policy that allows it to.
    answers_callbacks: bool = False
    # Model calls go to Amazon Bedrock: the function's role may invoke models.
    invokes_models: bool = False
    # A payload that drives the happy path, used in the README's invoke command.
    example_input: str = "{}"


PATTERNS: dict[str, Pattern] = {
    p.key: p
    for p in (
        Pattern(
            key="basic",
            example_input='{"order_id": "order-1", "items": ["book", "pen"]}',
            summary="runs named steps around a durable wait",
            execution_timeout_s=3600,
            retention_days=7,
        ),
        Pattern(
            key="human-approval",
            example_input='{"request_id": "req-1", "requester": "alice", "amount": 250}',
            summary="waits for a person to approve or reject through a callback, with timeout and heartbeat",
            execution_timeout_s=3 * 24 * 3600,
            retention_days=30,
            answers_callbacks=True,
        ),
        Pattern(
            key="saga",
            example_input='{"order_id": "order-1", "amount": 40}',
            summary="chains steps and runs compensating steps in reverse when one fails",
            execution_timeout_s=3600,
            retention_days=14,
        ),
        Pattern(
            key="batch",
            example_input='{"items": [{"id": "a", "quantity": 1}, {"id": "b", "quantity": 2}]}',
            summary="processes items with map, bounded concurrency and a failure-tolerant completion policy",
            execution_timeout_s=4 * 3600,
            retention_days=7,
        ),
        Pattern(
            key="polling",
            example_input='{"job_id": "job-1"}',
            summary="polls an external job with wait-for-condition and an exponential backoff strategy",
            execution_timeout_s=24 * 3600,
            retention_days=7,
        ),
        Pattern(
            key="agent",
            example_input='{"prompt": "What is the weather in Paris?"}',
            summary="runs a GenAI agent loop in which every model call and every tool call is a step",
            execution_timeout_s=3600,
            retention_days=14,
            invokes_models=True,
        ),
    )
}


def get_pattern(key: str) -> Pattern:
    """Return the pattern named ``key`` or raise a :class:`UserError` that lists the choices."""
    normalised = key.strip().lower().replace("_", "-")
    pattern = PATTERNS.get(normalised)
    if pattern is None:
        choices = ", ".join(f"{p.key} ({p.summary})" for p in PATTERNS.values())
        raise UserError(f"Unknown pattern {key!r}. Available patterns: {choices}.")
    return pattern
