// Deterministic: every clock, random and UUID read happens inside a step.
import { randomUUID } from "node:crypto";
import { DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  const orderId = await context.step("new-order-id", async () => randomUUID());
  const started = await context.step("started-at", async () => Date.now());
  await context.wait("settle", { seconds: 10 });
  const lucky = await context.step("draw", async () => Math.random() < 2);
  const [approval] = await context.createCallback("approval");
  const answer = await approval;
  return { order: orderId, started: started > 0, lucky, answer };
});
