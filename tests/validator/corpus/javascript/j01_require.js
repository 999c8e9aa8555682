const { withDurableExecution } = require("@aws/durable-execution-sdk-js");
const { v4: uuid } = require("uuid");
const crypto = require("node:crypto");

exports.handler = withDurableExecution(async (event, context) => {
  const key = uuid(); // expect: DR002
  const token = crypto.randomBytes(8).toString("hex"); // expect: DR002
  const hash = crypto.createHash("sha256").update(event.id).digest("hex");
  const saved = await context.step("save", async () => ({ key, token, hash, id: uuid() }));
  return saved;
});
