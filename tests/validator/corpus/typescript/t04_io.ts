import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { readFile } from "node:fs/promises";

const client = new DynamoDBClient({ region: process.env.AWS_REGION });
const doc = DynamoDBDocumentClient.from(client);

export const handler = withDurableExecution(async (event: { id: string }, context: DurableContext) => {
  const r = await doc.send(new GetCommand({ TableName: "orders", Key: { id: event.id } })); // expect: DR003
  const quote = await fetch("https://example.com/quote"); // expect: DR003
  const config = await readFile("./config.json", "utf8"); // expect: DR003
  await context.step("save", async () => doc.send(new PutCommand({ TableName: "orders", Item: { id: event.id } })));
  return { item: r.Item, status: quote.status, config };
});
