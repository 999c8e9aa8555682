const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

exports.handler = withDurableExecution(async (event, context) => {
  void context.step("fire", async () => 1); // expect: DR011
  context.invoke("notify", "notify-fn:live", { id: event.id }); // expect: DR011
  const pending = context.step("later", async () => 2);
  return pending.then((v) => v + 1);
});
