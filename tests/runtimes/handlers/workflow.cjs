// workflow.ts as a CommonJS module: no transpiler involved.
const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

exports.handler = withDurableExecution(async (event, context) => {
  const total = await context.step("double", async () => event.amount * 2);
  await context.wait("cool-down", { seconds: 30 });
  const [approval, callbackId] = await context.createCallback("approval", { timeout: { minutes: 5 } });
  await context.step("notify", async () => callbackId.length > 0);
  const answer = await approval;
  return { total, answer };
});
