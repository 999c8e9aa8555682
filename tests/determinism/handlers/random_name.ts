// Non-deterministic: a step name drawn from Math.random outside any step.
import { DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
  await context.wait("pause", { seconds: 5 });
  const bucket = Math.floor(Math.random() * 1_000_000);
  return context.step(`bucket-${bucket}`, async () => bucket);
});
