import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event: { rows: string[] }, context: DurableContext) => {
  let token = "";
  let counter = 0;
  const totals: Record<string, number> = {};
  const seen: string[] = [];
  await context.step("auth", async () => {
    token = "secret"; // expect: DR006
  });
  await context.step("count", async () => {
    counter++; // expect: DR006
    totals["rows"] = event.rows.length; // expect: DR007
    seen.push("x"); // expect: DR007
    let local = 0;
    local += 1;
    const acc = new Map<string, number>();
    acc.set("k", local);
    return Object.fromEntries(acc);
  });
  const result = await context.step("login", async () => "t");
  token = result;
  return { token, counter, totals, seen };
});
