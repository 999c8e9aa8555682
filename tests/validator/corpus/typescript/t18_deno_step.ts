// A Deno test: t.step is Deno's test step, not a durable operation.
Deno.test("orders", async (t) => {
  await t.step("creates", async () => {
    const now = Date.now();
    console.log(now, Math.random());
  });
  await t.step("deletes", () => {
    console.log("done");
  });
});
