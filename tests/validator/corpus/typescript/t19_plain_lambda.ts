import type { Context } from "aws-lambda";
import { randomUUID } from "node:crypto";

// A regular (non-durable) Lambda handler: no replay, so none of the rules apply.
export const handler = async (event: { id: string }, context: Context) => {
  const id = randomUUID();
  const started = Date.now();
  console.log("request", context.awsRequestId, id, started);
  const res = await fetch(`https://example.com/orders/${event.id}`);
  return { status: res.status };
};
