// Non-deterministic: the result carries a UUID generated outside any step.
import { DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event: { amount: number }, context: DurableContext) => {
  const total = await context.step("double", async () => event.amount * 2);
  return { total, receipt: crypto.randomUUID() };
});
