import * as durable from "@aws/durable-execution-sdk-js";
import { nanoid } from "nanoid";
import got from "got";

async function chargeCard(ctx: durable.DurableContext, amount: number) {
  const ref = nanoid(); // expect: DR002
  return ctx.step("charge", async () => ({ ref, amount }));
}

async function fetchRates() {
  return got("https://example.com/rates").json();
}

function pickRegion(regions: string[]) {
  return regions[Math.floor(Math.random() * regions.length)];
}

export default durable.withDurableExecution(async (event: { amount: number; regions: string[] }, context: durable.DurableContext) => {
  const receipt = await chargeCard(context, event.amount);
  const rates = await fetchRates(); // expect: DR003
  const region = pickRegion(event.regions); // expect: DR002
  const safeRates = await context.step("rates", async () => fetchRates());
  const [promise, callbackId] = context.createCallback("confirm", { timeout: { hours: 1 } });
  await context.step("send", async () => got.post("https://example.com/confirm", { json: { callbackId } }));
  const confirmed = await promise;
  return { receipt, rates, region, safeRates, confirmed };
});
