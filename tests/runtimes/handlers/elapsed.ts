// Measures time across a wait: on Lambda the second reading is at least the wait later.
import { DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  const before = await context.step("before", async () => Date.now());
  await context.wait("pause", { seconds: 3600 });
  const after = await context.step("after", async () => new Date().getTime());
  return { elapsedMs: after - before };
});
