import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";
import { v4 as makeId, v5 as uuidv5, validate } from "uuid";
import { randomBytes } from "node:crypto";

const NAMESPACE = "1b671a64-40d5-491e-99b0-da01ff1f3341";

function isValidUuid(id: string): boolean {
  return validate(id);
}

export const handler = withDurableExecution(async (event: { email: string; id: string }, context: DurableContext) => {
  const key = makeId(); // expect: DR002
  const salt = randomBytes(16).toString("hex"); // expect: DR002
  const jitter = Math.random() * 100; // expect: DR002
  const stable = uuidv5(event.email, NAMESPACE);
  if (!isValidUuid(event.id)) return { error: "bad id" };
  const fresh = await context.step("new-id", async () => makeId());
  return { key, salt, jitter, stable, fresh };
});
