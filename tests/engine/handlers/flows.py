"""Handlers exercising every operation type, for the engine's own tests."""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution, durable_step
from aws_durable_execution_sdk_python.config import (
    CallbackConfig,
    CompletionConfig,
    Duration,
    MapConfig,
    NestingType,
    ParallelConfig,
    StepConfig,
    WaitForCallbackConfig,
)
from aws_durable_execution_sdk_python.retries import JitterStrategy, RetryStrategyConfig, create_retry_strategy
from aws_durable_execution_sdk_python.waits import (
    WaitForConditionConfig,
    WaitForConditionDecision,
)


@durable_step
def double(_ctx: StepContext, value: int) -> int:
    return value * 2


@durable_execution
def steps(event: Any, context: DurableContext) -> int:
    total = 0
    for i in range(int(event)):
        total += context.step(double(i), name=f"s{i}")
    return total


@durable_execution
def waits(event: Any, context: DurableContext) -> str:
    for i in range(int(event)):
        context.wait(Duration.from_seconds(1), name=f"w{i}")
    return "done"


_attempts: dict[str, int] = {}


@durable_execution
def flaky(event: Any, context: DurableContext) -> str:
    def attempt(step_context: StepContext) -> str:
        _attempts[event] = _attempts.get(event, 0) + 1
        if _attempts[event] < 3:
            raise RuntimeError(f"attempt {_attempts[event]} failed")
        return "ok"

    config = RetryStrategyConfig(
        max_attempts=5, initial_delay=Duration.from_seconds(2), backoff_rate=2, jitter_strategy=JitterStrategy.NONE
    )
    strategy = create_retry_strategy(config)
    return context.step(attempt, name="flaky", config=StepConfig(retry_strategy=strategy))


@durable_execution
def approval(event: Any, context: DurableContext) -> Any:
    config = CallbackConfig(
        timeout=Duration.from_seconds(int(event.get("timeout", 0))),
        heartbeat_timeout=Duration.from_seconds(int(event.get("heartbeat", 0))),
    )
    callback = context.create_callback(name="approve", config=config)
    return callback.result()


@durable_execution
def mapper(event: Any, context: DurableContext) -> list[int]:
    def item(ctx: DurableContext, value: int, index: int, _items: Any) -> int:
        return ctx.step(double(value), name=f"double-{index}")

    config = MapConfig(max_concurrency=int(event.get("concurrency", 4)))
    return context.map(list(range(int(event["n"]))), item, name="map", config=config).get_results()


@durable_execution
def parallel_first(event: Any, context: DurableContext) -> list[Any]:
    def fast(ctx: DurableContext) -> str:
        return ctx.step(lambda _: "fast", name="fast-step")

    def slow(ctx: DurableContext) -> str:
        ctx.wait(Duration.from_seconds(30), name="slow-wait")
        return "slow"

    config = ParallelConfig(completion_config=CompletionConfig(min_successful=1))
    result = context.parallel([fast, slow], name="race", config=config)
    return result.get_results()


@durable_execution
def child(event: Any, context: DurableContext) -> int:
    def inner(ctx: DurableContext) -> int:
        a = ctx.step(double(1), name="a")
        ctx.wait(Duration.from_seconds(2), name="pause")
        return a + ctx.step(double(2), name="b")

    return context.run_in_child_context(inner, name="inner")


@durable_execution
def poll(event: Any, context: DurableContext) -> int:
    def check(state: int, _ctx: Any) -> int:
        return state + 1

    def strategy(state: int, _attempt: int) -> WaitForConditionDecision:
        if state >= int(event):
            return WaitForConditionDecision.stop_polling()
        return WaitForConditionDecision.continue_waiting(Duration.from_seconds(3))

    config = WaitForConditionConfig(wait_strategy=strategy, initial_state=0)
    return context.wait_for_condition(check, config, name="poll")


@durable_execution
def external(event: Any, context: DurableContext) -> Any:
    def submit(callback_id: str, _ctx: Any) -> None:
        print("submitted", callback_id)

    config = WaitForCallbackConfig(timeout=Duration.from_seconds(60))
    return context.wait_for_callback(submit, name="ask", config=config)


@durable_execution
def echo(event: Any, context: DurableContext) -> Any:
    return context.step(lambda _: event, name="echo")


@durable_execution
def caller(event: Any, context: DurableContext) -> Any:
    return context.invoke(event["target"], event["payload"], name="call")


def add(event: Any, _lambda_context: Any) -> Any:
    """A standard (not durable) Lambda function, as a chained invoke may target."""
    if event.get("a") is None:
        raise ValueError("a is required")
    return {"sum": event["a"] + event["b"]}


@durable_execution
def approve_then_call(event: Any, context: DurableContext) -> Any:
    approval = context.create_callback(name="approve")
    approval.result()
    return context.invoke(event["target"], event["payload"], name="call")


@durable_execution
def boom(event: Any, context: DurableContext) -> Any:
    context.step(lambda _: 1, name="before")
    raise ValueError("boom")


@durable_execution
def unserialisable(event: Any, context: DurableContext) -> Any:
    return {1, 2, 3}


@durable_execution
def hang(event: Any, context: DurableContext) -> Any:
    import time

    time.sleep(float(event))
    return "late"


@durable_execution
def charge(event: Any, context: DurableContext) -> Any:
    def real_charge(_ctx: StepContext) -> str:
        raise AssertionError("the stubbed step must not run")

    receipt = context.step(real_charge, name="charge")
    return {"receipt": receipt, "after": context.step(lambda _: "after", name="after")}


@durable_execution
def approve_then_charge(event: Any, context: DurableContext) -> Any:
    def real_charge(_ctx: StepContext) -> str:
        raise AssertionError("the stubbed step must not run")

    decision = context.create_callback(name="approve").result()
    return {"decision": decision, "receipt": context.step(real_charge, name="charge")}


_replays: dict[str, int] = {}


@durable_execution
def nondeterministic(event: Any, context: DurableContext) -> Any:
    # The step's name changes between the first invocation and the replay after the wait.
    _replays[event] = _replays.get(event, 0) + 1
    context.step(lambda _: 1, name=f"first-{_replays[event]}")
    context.wait(Duration.from_seconds(1), name="gap")
    return "unreachable on replay"


@durable_execution
def flat_map(event: Any, context: DurableContext) -> list[int]:
    def item(ctx: DurableContext, value: int, _index: int, _items: Any) -> int:
        return ctx.step(double(value), name="double")

    config = MapConfig(max_concurrency=2, nesting_type=NestingType.FLAT)
    return context.map([1, 2, 3], item, name="flat", config=config).get_results()


@durable_execution
def nested_parallel(event: Any, context: DurableContext) -> list[Any]:
    def leaf(value: int) -> Any:
        def branch(ctx: DurableContext) -> int:
            ctx.wait(Duration.from_seconds(value), name=f"wait-{value}")
            return value

        return branch

    def inner(ctx: DurableContext) -> list[Any]:
        return ctx.parallel([leaf(1), leaf(2)], name="inner").get_results()

    return context.parallel([inner, leaf(3)], name="outer", config=ParallelConfig(max_concurrency=1)).get_results()


@durable_execution
def steps_then_wait(event: Any, context: DurableContext) -> int:
    for index in range(int(event)):
        context.step(lambda _: None, name=f"s{index}")
    context.wait(Duration.from_seconds(1), name="then")
    return int(event)


@durable_execution
def map_then_wait(event: Any, context: DurableContext) -> list[int]:
    def item(ctx: DurableContext, value: int, _index: int, _items: Any) -> int:
        return ctx.step(double(value), name="double")

    results = context.map([1, 2, 3], item, name="map").get_results()
    context.wait(Duration.from_seconds(1), name="after-map")
    return results


@durable_execution
def big_result(event: Any, context: DurableContext) -> str:
    return "x" * int(event)
