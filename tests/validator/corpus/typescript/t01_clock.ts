import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

interface Order { id: string; deadlineMs: number }

export const handler = withDurableExecution(async (event: Order, context: DurableContext) => {
  if (Date.now() > event.deadlineMs) { // expect: DR001
    await context.step("expire", async () => ({ expired: true }));
  }
  const createdAt = new Date(); // expect: DR001
  const fixed = new Date("2024-01-01");
  const at = await context.step("now", async () => new Date().toISOString());
  const t = performance.now(); // expect: DR001
  return { createdAt, fixed, at, t };
});
