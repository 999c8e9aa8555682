const { withDurableExecution } = require("@aws/durable-execution-sdk-js");
const { setTimeout: sleep } = require("timers/promises");

exports.handler = withDurableExecution(async (event, context) => {
  await sleep(2000); // expect: DR013
  const winner = await Promise.any([context.step("a", async () => 1), context.step("b", async () => 2)]); // expect: DR015
  const ok = await context.promise.any("first", [context.step("c", async () => 1), context.step("d", async () => 2)]);
  return { winner, ok };
});
