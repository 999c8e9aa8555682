import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event: { files: string[] }, context: DurableContext) => {
  const stamp = new Date().toISOString(); // expect: DR001
  await context.step(`export-${stamp}`, async () => 1); // expect: DR010
  await context.step(`s-${Date.now()}`, async () => 2); // expect: DR010
  const files = await context.step("list", async () => event.files);
  for (const [i, f] of files.entries()) {
    await context.step(`file-${i}`, async () => f);
  }
  return "ok";
});
