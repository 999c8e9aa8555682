import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event: { id: string }, context: DurableContext) => {
  console.log("received", event.id); // expect: DR008
  console.warn("retrying"); // expect: DR008
  const log = context.logger;
  log.info("replay-safe", { id: event.id });
  context.logger.info("also fine");
  await context.step("work", async (stepCtx) => {
    console.log("inside the step is fine");
    stepCtx.logger.info("step logger");
  });
  return "ok";
});
