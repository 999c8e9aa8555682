// Steps, a wait and a callback; tests/runtimes/handlers/workflow.py is the same workflow in Python.
import { DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";

type Order = { amount: number };

export const handler = withDurableExecution(async (event: Order, context: DurableContext) => {
  console.log(`order of ${event.amount}`);
  const total = await context.step("double", async () => event.amount * 2);
  await context.wait("cool-down", { seconds: 30 });
  const [approval, callbackId] = await context.createCallback("approval", { timeout: { minutes: 5 } });
  await context.step("notify", async () => callbackId.length > 0);
  const answer = await approval;
  return { total, answer };
});
