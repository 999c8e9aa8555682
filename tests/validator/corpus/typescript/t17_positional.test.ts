import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { handler } from "../src/index";

describe("order flow", () => {
  it("charges", async () => {
    const runner = new LocalDurableTestRunner({ handlerFunction: handler });
    const result = await runner.run({ payload: { id: "1" } });
    const op = runner.getOperationByIndex(3); // expect: DR019
    const first = result.getOperations()[0]; // expect: DR019
    const [a, b] = result.getOperations(); // expect: DR019
    const poll = runner.getOperationByNameAndIndex("poll", 1);
    const charge = runner.getOperation("charge");
    expect(result.getOperations()).toHaveLength(4);
    expect([op, first, a, b, poll, charge]).toBeDefined();
  });
});
