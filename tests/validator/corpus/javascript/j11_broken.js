const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

exports.handler = withDurableExecution(async (event, context) => {
  await context.step("a", async () => 1)
  return {
}); // expect: DR000
