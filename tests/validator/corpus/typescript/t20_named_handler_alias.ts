import { withDurableExecution as durable, DurableContext, DurableExecutionHandler } from "@aws/durable-execution-sdk-js";

const main = async (event: { id: string }, ctx: DurableContext) => {
  const c = ctx;
  const started = Date.now(); // expect: DR001
  await c.step("load", async () => event.id);
  await c.runInChildContext("nested", async (child) => {
    await child.step("inner", async () => 1);
    await c.step("wrong", async () => 2); // expect: DR005
  });
  return started;
};

const typed: DurableExecutionHandler<{ id: string }, number> = async (event, context) => {
  console.info("typed handler"); // expect: DR008
  return context.step("n", async () => 1);
};

export const handler = durable(main);
export const handler2 = durable(typed);
