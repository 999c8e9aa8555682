const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

async function run(event, context) {
  const started = Date.now(); // expect: DR001
  await context.wait({ seconds: 10 }); // expect: DR009
  console.error("slow"); // expect: DR008
  await context.step("ok", async () => started);
}

module.exports.handler = withDurableExecution(run);
