const { LocalDurableTestRunner } = require("@aws/durable-execution-sdk-js-testing");
const { handler } = require("../src/index");

test("flow", async () => {
  const runner = new LocalDurableTestRunner({ handlerFunction: handler });
  await runner.run({ payload: {} });
  const second = runner.getOperationByIndex(1); // expect: DR019
  const byName = runner.getOperation("charge");
  expect(second).toBeDefined();
  expect(byName.getStepDetails()).toBeDefined();
});
