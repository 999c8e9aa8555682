"""Fix builders that need the region's context name (known only to the engine)."""

from __future__ import annotations

from durable_mcp.validator.ir import Effect, Span
from durable_mcp.validator.models import Edit, Fix

STEP_NAMES = {Effect.CLOCK: "read-clock", Effect.RANDOM: "generate-id", Effect.IO: "fetch"}


def _replace(span: Span, text: str) -> Edit:
    return Edit(line=span.line, column=span.col, end_line=span.end_line, end_column=span.end_col, text=text)


def wrap_step_fix(language: str, span: Span, text: str, ctx: str, effect: Effect) -> Fix | None:
    if not text:
        return None
    name = STEP_NAMES.get(effect, "step")
    if language == "python":
        new = f'{ctx}.step(lambda _: {text}, name="{name}")'
    else:
        new = f'(await {ctx}.step("{name}", async () => {text}))'
    return Fix(description=f'Run it in a step named "{name}" so the value is checkpointed',
               applicability="suggestion", edits=[_replace(span, new)])


def logger_fix(language: str, callee: Span, ctx: str, level: str) -> Fix:
    if language == "python" and level == "warn":
        level = "warning"
    if language != "python" and level in ("log", "trace"):
        level = "info"
    return Fix(description=f"Log through the replay-aware {ctx}.logger", applicability="safe",
               edits=[_replace(callee, f"{ctx}.logger.{level}")])


def wait_fix(language: str, span: Span, ctx: str, seconds: int, awaited: bool) -> Fix:
    if language == "python":
        new = f'{ctx}.wait(Duration.from_seconds({seconds}), name="wait-{seconds}s")'
        return Fix(description="Wait durably (needs Duration from aws_durable_execution_sdk_python.config)",
                   applicability="suggestion", edits=[_replace(span, new)])
    new = f'{ctx}.wait("wait-{seconds}s", {{ seconds: {seconds} }})'
    return Fix(description="Wait durably with context.wait", applicability="safe" if awaited else "suggestion",
               edits=[_replace(span, new)])


def receiver_fix(receiver: Span, own: str) -> Fix:
    return Fix(description=f"Use the callback's own context `{own}`", applicability="safe",
               edits=[_replace(receiver, own)])
