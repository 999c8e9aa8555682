// Non-deterministic: branches on the wall clock outside any step.
import { DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  await context.step("validate", async () => "ok");
  await context.wait("pause", { seconds: 5 });
  const shift = new Date().getUTCHours() < 12 ? "morning" : "evening";
  return context.step(`greet-${shift}`, async () => shift);
});
