// Plain Lambda handler and utilities: no durable execution here.
const { randomUUID } = require("node:crypto");

let invocations = 0;

exports.handler = async (event) => {
  invocations += 1;
  console.log("request", randomUUID(), Date.now(), invocations);
  await new Promise((r) => setTimeout(r, 1000));
  return { ok: true };
};

function isValidUuid(id) {
  return /^[0-9a-f-]{36}$/.test(id);
}

module.exports.isValidUuid = isValidUuid;
