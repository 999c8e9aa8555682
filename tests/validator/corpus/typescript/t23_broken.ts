import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  const x = await context.step("a", async () => { return 1; );  // expect: DR000
  return x;
});
