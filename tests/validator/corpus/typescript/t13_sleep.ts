import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";
import { setTimeout as setTimeoutP } from "node:timers/promises";

export const handler = withDurableExecution(async (event: { n: number }, context: DurableContext) => {
  await setTimeoutP(60_000); // expect: DR013
  await new Promise((resolve) => setTimeout(resolve, 5000)); // expect: DR013
  await context.step("backoff", async () => {
    await new Promise((r) => setTimeout(r, 100));
    return true;
  });
  await context.wait("cool", { minutes: 5 });
  return "ok";
});
