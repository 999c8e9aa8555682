"""The rule catalog. Rule ids are a public contract: never renumber, only add."""

from __future__ import annotations

from dataclasses import dataclass

from durable_mcp.validator.models import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    help: str
    default_enabled: bool = True

    @property
    def uri(self) -> str:
        return f"durable://reference/rules/{self.id}"


_RULES = (
    Rule("DR000", "SyntaxError", "error", "The file could not be parsed",
         "Fix the syntax error; nothing else in the file was checked."),
    Rule("DR001", "ClockOutsideStep", "error", "Clock read outside a step",
         "Read the clock inside a step and use the checkpointed value."),
    Rule("DR002", "RandomOutsideStep", "error", "Randomness or generated ID outside a step",
         "Generate the value inside a step and use the checkpointed value."),
    Rule("DR003", "IoOutsideStep", "error", "I/O outside a step",
         "Move the call into a step so that its result is checkpointed."),
    Rule("DR004", "OperationInsideStep", "error", "Durable operation inside a step-like callback",
         "Use run_in_child_context / runInChildContext and call operations on the child context."),
    Rule("DR005", "OuterContextInChild", "error", "Outer context used inside a child-context, map or parallel callback",
         "Call operations on the callback's own context parameter."),
    Rule("DR006", "CapturedVariableReassignedInStep", "error", "Captured variable reassigned inside a step",
         "Return the value from the step and assign it outside."),
    Rule("DR007", "CapturedObjectMutatedInStep", "warning", "Captured object mutated inside a step",
         "Build the data inside the step and return it."),
    Rule("DR008", "LoggingOutsideStep", "warning", "Logging outside a step without the replay-aware logger",
         "Use context.logger, which is silent during replay."),
    Rule("DR009", "UnnamedOperation", "warning", "Unnamed durable operation",
         "Give the operation a stable name."),
    Rule("DR010", "NondeterministicOperationName", "error", "Operation name built from a nondeterministic value",
         "Use a literal or checkpointed data in the name."),
    Rule("DR011", "FloatingDurablePromise", "warning", "Durable operation result never awaited",
         "Await the operation (or hand it to context.promise.*)."),
    Rule("DR012", "SuspensionSwallowed", "error", "Suspension swallowed by a bare except or except BaseException",
         "Catch Exception instead, or re-raise."),
    Rule("DR013", "BlockingSleep", "warning", "Blocking or timer sleep instead of context.wait",
         "Use context.wait, which suspends without billing and survives replay."),
    Rule("DR014", "SetIterationDrivesOperations", "warning", "Iteration over a set drives durable operations",
         "Iterate over sorted(...) so the order is stable across processes."),
    Rule("DR015", "SharedContextConcurrency", "warning", "Concurrent branches share one DurableContext",
         "Use context.parallel / context.map / context.promise.*, or one child context per branch."),
    Rule("DR016", "ModuleStateWrittenInReplay", "warning", "Module-level mutable state written from a replay region",
         "Keep state in step results or local variables."),
    Rule("DR017", "EnvironmentReadInReplay", "info", "Environment read in the replay region",
         "Read the variable inside a step, or pass it in the event.", default_enabled=False),
    Rule("DR018", "EmptyChildContext", "info", "Child context with no durable operation inside",
         "Use a step for plain computation."),
    Rule("DR019", "TestOperationByPosition", "warning", "Test fetches durable operations by position",
         "Fetch operations by name (runner.getOperation / result.get_step)."),
    Rule("DT001", "DurableConfigMissing", "warning", "Durable function without DurableConfig",
         "Add DurableConfig with ExecutionTimeout (1-31622400 s) and RetentionPeriodInDays (1-90)."),
    Rule("DT002", "DurableConfigOutOfRange", "error", "DurableConfig value out of range or malformed",
         "ExecutionTimeout must be an integer 1-31622400; RetentionPeriodInDays 1-90."),
    Rule("DT003", "RoleLacksDurablePermissions", "error", "Role without the durable execution permissions",
         "Attach AWSLambdaBasicDurableExecutionRolePolicy or allow lambda:CheckpointDurableExecution "
         "and lambda:GetDurableExecutionState."),
    Rule("DT004", "UnqualifiedInvocation", "warning", "Invocation wiring uses an unqualified durable function",
         "Point the trigger at a version or alias (e.g. AutoPublishAlias, !Ref Alias)."),
    Rule("DT005", "CfnLintError", "error", "cfn-lint reported an error",
         "Fix the template as cfn-lint describes."),
    Rule("DU001", "UnusedSuppression", "warning", "Suppression comment that suppresses nothing",
         "Remove the comment or the rule id from it."),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
RULE_ORDER: tuple[str, ...] = tuple(rule.id for rule in _RULES)


def default_selection() -> frozenset[str]:
    return frozenset(rule.id for rule in _RULES if rule.default_enabled)
