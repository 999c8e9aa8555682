import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

function newId(): string {
  return crypto.randomUUID();
}

function makeKey(prefix: string): string {
  return `${prefix}-${newId()}`;
}

const label = (name: string) => name.toUpperCase();

export const handler = withDurableExecution(async (event: { name: string }, context: DurableContext) => {
  const key = makeKey("order"); // expect: DR002
  const upper = label(event.name);
  const safe = await context.step("make-key", async () => makeKey("order"));
  return { key, upper, safe };
});
