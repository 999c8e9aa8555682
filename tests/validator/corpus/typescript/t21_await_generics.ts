import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

interface Quote { price: number }

export const handler = withDurableExecution(async (event: { sym: string }, context: DurableContext) => {
  const q = await context.step<Quote>("quote", async () => ({ price: 1 }));
  const r = await context.step<number>(async () => q.price * 2); // expect: DR009
  await context.step<string>(`sym-${Math.random()}`, async () => event.sym); // expect: DR010
  return r;
});
