const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

exports.handler = withDurableExecution(async (event, context) => {
  let total = 0;
  const results = [];
  await context.step("sum", async () => {
    total += 10; // expect: DR006
    results.push(total); // expect: DR007
  });
  let callbackData;
  await context.waitForCallback("cb", async (callbackId) => {
    callbackData = callbackId; // expect: DR006
  });
  await context.runInChildContext("c", async (child) => {
    total = await child.step("inner", async () => 1); // expect: DR006
  });
  event.items.forEach((i) => { total += i; });
  return { total, results, callbackData };
});
