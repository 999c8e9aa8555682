import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";
import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";

async function quote(sym: string): Promise<number> {
  const res = await fetch(`https://example.com/q/${sym}`);
  return (await res.json()).price;
}

export const handler = withDurableExecution(async (event: { region: string; key: string }, context: DurableContext) => {
  const s3 = new S3Client({ region: event.region });
  const price = await context.step("quote", async () => quote("AMZN"));
  const body = await context.step("read", async () => {
    const out = await s3.send(new GetObjectCommand({ Bucket: "b", Key: event.key }));
    return out.ContentLength ?? 0;
  });
  return { price, body };
});
