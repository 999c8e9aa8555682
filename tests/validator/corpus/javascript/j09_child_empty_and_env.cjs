const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

const cache = {};

exports.handler = withDurableExecution(async (event, context) => {
  const region = process.env.AWS_REGION;
  const summary = await context.runInChildContext("summary", async () => ({ n: event.items.length })); // expect: DR018
  cache[event.id] = summary; // expect: DR016
  return { region, summary };
});
