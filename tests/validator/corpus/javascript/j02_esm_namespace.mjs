import * as sdk from "@aws/durable-execution-sdk-js";
import axios from "axios";

export const handler = sdk.withDurableExecution(async (event, context) => {
  const res = await axios.get(`https://example.com/${event.id}`); // expect: DR003
  const ok = await context.step("fetch", async () => (await axios.get("https://example.com/ok")).status);
  process.stdout.write("done\n"); // expect: DR008
  return { status: res.status, ok };
});
