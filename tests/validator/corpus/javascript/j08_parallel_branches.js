const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

exports.handler = withDurableExecution(async (event, context) => {
  const result = await context.parallel("branches", [
    { name: "a", func: async (ctx) => ctx.step("a1", async () => 1) },
    { name: "b", func: async () => context.step("b1", async () => 2) }, // expect: DR005
    async (ctx) => ctx.wait("w", { seconds: 1 }),
  ]);
  await context.map(event.items, async (ctx, item) => ctx.step(`x-${item}`, async () => item)); // expect: DR009
  return result.getResults();
});
