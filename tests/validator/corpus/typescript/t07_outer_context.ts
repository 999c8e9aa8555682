import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

async function doWork(c: DurableContext, x: number) {
  return c.step("double", async () => x * 2);
}

export const handler = withDurableExecution(async (event: { items: number[] }, context: DurableContext) => {
  await context.parallel("p", [
    async (branch) => context.wait("w", { seconds: 1 }), // expect: DR005
    async (branch) => branch.wait("ok", { seconds: 1 }),
  ]);
  await context.map("m", event.items, async (child, item) => {
    await context.step(`i-${item}`, async () => item); // expect: DR005
    return doWork(child, item);
  });
  await context.runInChildContext("shadow", async (context) => context.wait("w2", { seconds: 1 }));
  return "done";
});
