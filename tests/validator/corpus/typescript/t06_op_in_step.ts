import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event: { ids: string[] }, context: DurableContext) => {
  await context.step("batch", async () => {
    for (const id of event.ids) {
      await context.invoke(`w-${id}`, "worker-arn:live", { id }); // expect: DR004
    }
  });
  await context.waitForCallback("approval", async (callbackId) => {
    await context.wait("inner", { seconds: 1 }); // expect: DR004
  });
  const sizes = await context.step("sizes", async () => event.ids.map((c) => c.length));
  return sizes;
});
