const sdk = require("@aws/durable-execution-sdk-js");
const fs = require("node:fs");

const counters = { runs: 0 };

async function loadConfig() {
  return JSON.parse(fs.readFileSync("./config.json", "utf8"));
}

module.exports = {
  handler: sdk.withDurableExecution(async (event, context) => {
    counters.runs += 1; // expect: DR016
    const config = await loadConfig(); // expect: DR003
    const cached = await context.step("config", async () => loadConfig());
    const items = await context.map("items", event.items, async (child, item, index) => {
      const started = Date.now(); // expect: DR001
      return child.step(`item-${index}`, async () => ({ item, started }));
    });
    return { config, cached, items };
  }),
};
