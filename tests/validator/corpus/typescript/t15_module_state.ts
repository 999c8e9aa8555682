import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";
import { S3Client } from "@aws-sdk/client-s3";

let lastOrder: string;
let client: S3Client | undefined;
const seen = new Set<string>();
const CONFIG = Object.freeze({ retries: 3 });

export const handler = withDurableExecution(async (event: { orderId: string }, context: DurableContext) => {
  if (!client) client = new S3Client({});
  client ??= new S3Client({});
  lastOrder = event.orderId; // expect: DR016
  seen.add(event.orderId); // expect: DR016
  await context.step("work", async () => CONFIG.retries);
  return lastOrder;
});
