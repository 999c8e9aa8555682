import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

const NAMES = { persist: "persist" } as const;

async function persist() {
  return 1;
}

export const handler = withDurableExecution(async (event: { id: string }, context: DurableContext) => {
  await context.waitForCallback(async (id) => { await notify(id); }); // expect: DR009
  await context.step(persist); // expect: DR009
  await context.step(NAMES.persist, persist);
  await context.wait({ seconds: 5 }); // expect: DR009
  const [promise, callbackId] = context.createCallback(); // expect: DR009
  await context.invoke("billing-arn:live", { id: event.id }); // expect: DR009
  await context.invoke("charge", "billing-arn:live", { id: event.id });
  return { callbackId, r: await promise };
});

async function notify(id: string) {
  return id;
}
