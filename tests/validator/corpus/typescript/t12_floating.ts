import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event: { items: { id: string }[] }, context: DurableContext) => {
  context.wait("pause", { seconds: 30 }); // expect: DR011
  event.items.forEach((it) => context.step(`p-${it.id}`, async () => it.id)); // expect: DR011
  const p = context.step("a", async () => 1);
  context.step("c", async () => 3).then(() => undefined).catch(() => undefined); // expect: DR011
  const chained = context.step("d", async () => 4).then((n) => n + 1);
  await context.step("e", async () => 5).then((n) => n * 2);
  const never = context.step("b", async () => 2); // expect: DR011
  await context.promise.all("all", event.items.map((it) => context.step(`s-${it.id}`, async () => it.id)));
  return (await p) + (await chained);
});
