import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

function format(order: { id: string }) {
  return `order ${order.id}`;
}

async function doWork(c: DurableContext, x: string) {
  return c.step("work", async () => x);
}

export const handler = withDurableExecution(async (event: { id: string }, context: DurableContext) => {
  const text = await context.runInChildContext("fmt", async () => format(event)); // expect: DR018
  await context.runInChildContext("w", async (c) => doWork(c, text));
  await context.runInChildContext("g", async (c) => c.wait("w", { seconds: 1 }));
  return text;
});
