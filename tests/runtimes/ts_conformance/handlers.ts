// One TypeScript handler per conformance requirement exercised by test_ts_conformance.py; each
// mirrors the Python handler of the same requirement in tests/conformance/handlers/.
import { DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";

// 1-1 step basic: one step returning a greeting.
export const step_1_1 = withDurableExecution(async (event: string, context: DurableContext) =>
  context.step("greet", async () => `Hello, ${event}!`),
);

// 2-1 wait basic: one 2-second wait.
export const wait_2_1 = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  await context.wait({ seconds: 2 });
});

// 3-1 child context with one step returning the input.
export const child_3_1 = withDurableExecution(async (event: string, context: DurableContext) =>
  context.runInChildContext(async (child: DurableContext) => child.step(async () => event)),
);

// 4-1 callback named by the input; returns what the outside world sends.
export const callback_4_1 = withDurableExecution(async (event: string, context: DurableContext) => {
  const [result] = await context.createCallback(event);
  return result;
});

// 5-1 chained invoke of an echo target with the input.
export const invoke_5_1 = withDurableExecution(async (event: string, context: DurableContext) =>
  context.invoke("invoke-echo", "echo-target", event),
);

// 6-1 wait for condition: count up from 0, polling every second until the input threshold.
export const wait_for_condition_6_1 = withDurableExecution(async (event: number, context: DurableContext) =>
  context.waitForCondition(async (state: number) => state + 1, {
    initialState: 0,
    waitStrategy: (state: number) =>
      state >= event ? { shouldContinue: false } : { shouldContinue: true, delay: { seconds: 1 } },
  }),
);

// 7-1 wait for callback named by the input; the submitter does nothing durable.
export const wait_for_callback_7_1 = withDurableExecution(async (event: string, context: DurableContext) =>
  context.waitForCallback(event, async (callbackId: string) => {
    console.log(`submitted callback ${callbackId}`);
  }),
);

// 8-1 parallel: two one-step branches, one at a time.
export const parallel_8_1 = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  const batch = await context.parallel(
    "parallel",
    [
      async (branch: DurableContext) => branch.step(async () => "task-1"),
      async (branch: DurableContext) => branch.step(async () => "task-2"),
    ],
    { maxConcurrency: 1 },
  );
  return batch.getResults();
});

// 9-1 map: one greeting step per item, one item at a time.
export const map_9_1 = withDurableExecution(async (event: string[], context: DurableContext) => {
  const batch = await context.map(
    "map",
    event,
    async (item: DurableContext, name: string) => item.step(async () => `Hello, ${name}!`),
    { maxConcurrency: 1 },
  );
  return batch.getResults();
});

// 1-3 two steps, the second using the first's result.
export const step_1_3 = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  const first = await context.step("step_one", async () => "first");
  return context.step("step_two", async () => `${first}_second`);
});

// 2-2 a named wait.
export const wait_2_2 = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  await context.wait("custom_wait_name", { seconds: 2 });
});

// 3-2 a child context named by the input, with one step returning the input's value.
export const child_3_2 = withDurableExecution(
  async (event: { name: string; value: string }, context: DurableContext) =>
    context.runInChildContext(event.name, async (child: DurableContext) => child.step(async () => event.value)),
);

// 4-3 a callback with a 5-second timeout that nobody answers: the execution fails.
export const callback_4_3 = withDurableExecution(async (event: string, context: DurableContext) => {
  const [result] = await context.createCallback(event, { timeout: { seconds: 5 } });
  return result;
});

// 8-2 parallel without a name; branches return constants directly.
export const parallel_8_2 = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  const batch = await context.parallel([async () => "alpha", async () => "beta"], { maxConcurrency: 1 });
  return batch.getResults();
});

// 9-2 map without a name; each item is doubled directly.
export const map_9_2 = withDurableExecution(async (event: number[], context: DurableContext) => {
  const batch = await context.map(event, async (_item: DurableContext, value: number) => value * 2, {
    maxConcurrency: 1,
  });
  return batch.getResults();
});
