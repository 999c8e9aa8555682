import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

async function fulfil(ctx: DurableContext, order: string) {
  await ctx.step(`reserve-${order}`, async () => order);
  await ctx.step(`ship-${order}`, async () => order);
}

export const handler = withDurableExecution(async (event: { orders: string[] }, context: DurableContext) => {
  await Promise.all(event.orders.map((o) => fulfil(context, o))); // expect: DR015
  await Promise.race([context.step("fast", async () => 1), context.wait("timeout", { seconds: 30 })]); // expect: DR015
  await context.map("fulfil", event.orders, async (c, o) => fulfil(c, o));
  await context.promise.race("first", [context.step("x", async () => 1), context.step("y", async () => 2)]);
  const sizes = await Promise.all(event.orders.map(async (o) => o.length));
  return sizes;
});
