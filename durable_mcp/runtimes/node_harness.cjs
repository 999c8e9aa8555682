// Long-lived Node worker for durable-mcp: loads one durable handler once, then answers
// invocation events read as JSON lines on stdin with JSON lines on the original stdout.
//
//   node node_harness.cjs <handler file> <export name> [--perturb <seed>]
//
// The handler reaches the local durable service over HTTP through AWS_ENDPOINT_URL_LAMBDA,
// exactly as it would reach Lambda. stdout is reserved for the protocol: anything the handler
// prints is redirected to stderr. With --perturb, clock, Math.random and crypto.randomUUID
// return values that differ from an unperturbed run, and every call made from user code is
// reported with its file, line and whether it ran inside step code.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");
const readline = require("node:readline");
const { pathToFileURL } = require("node:url");
const asyncHooks = require("node:async_hooks");

const protocolWrite = process.stdout.write.bind(process.stdout);
const stderrWrite = process.stderr.write.bind(process.stderr);

// Everything the handler prints (console, the SDK's logger) during an invocation becomes the
// function log, reported line by line; outside invocations it goes to stderr.
let logBuffer = null;
function capturedWrite(chunk, encoding, callback) {
  if (logBuffer === null) return stderrWrite(chunk, encoding, callback);
  logBuffer += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  let newline = logBuffer.indexOf("\n");
  while (newline >= 0) {
    send({ note: "log", line: logBuffer.slice(0, newline) });
    logBuffer = logBuffer.slice(newline + 1);
    newline = logBuffer.indexOf("\n");
  }
  if (typeof callback === "function") callback();
  return true;
}
process.stdout.write = capturedWrite;
process.stderr.write = capturedWrite;

function endCapture() {
  if (logBuffer) send({ note: "log", line: logBuffer });
  logBuffer = null;
}

function send(message) {
  protocolWrite(JSON.stringify(message) + "\n");
}

function errorInfo(error) {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: "Error", message: String(error) };
}

// ---------------------------------------------------------------- perturbation probes

const sdkStorages = new Set();
const originalRun = asyncHooks.AsyncLocalStorage.prototype.run;
// The SDK keeps its active operation ({contextId, attempt, ...}) in an AsyncLocalStorage;
// an attempt number is only set while step or condition-check code runs.
// The same hook applies step stubs: the SDK runs a step's user function as the callback of
// run({operationName, attempt, ...}), so a stubbed name gets a callback returning the stub
// instead, and the SDK checkpoints it exactly as if the real function had returned (or thrown) it.
const stepStubs = JSON.parse(process.env.DURABLE_MCP_STUB_STEPS || "{}");

asyncHooks.AsyncLocalStorage.prototype.run = function run(store, callback, ...rest) {
  if (store && typeof store === "object" && "contextId" in store) {
    sdkStorages.add(this);
    // Reported at once, so a run that never answers (killed mid-invocation) still shows it.
    if (store.attempt !== undefined) send({ note: "step_run", name: store.operationName ?? null });
    if (store.attempt !== undefined && Object.hasOwn(stepStubs, store.operationName)) {
      return originalRun.call(this, store, stubbed(stepStubs[store.operationName]), ...rest);
    }
  }
  return originalRun.call(this, store, callback, ...rest);
};

function stubbed(stub) {
  const isError =
    stub && typeof stub === "object" && typeof stub.ErrorType === "string" &&
    Object.keys(stub).every((key) => key === "ErrorType" || key === "ErrorMessage");
  return async () => {
    if (isError) {
      const error = new Error(stub.ErrorMessage || "");
      error.name = stub.ErrorType;
      throw error;
    }
    return stub;
  };
}

function insideStep() {
  for (const storage of sdkStorages) {
    const store = storage.getStore();
    if (store && store.attempt !== undefined) {
      return true;
    }
  }
  return false;
}

const probes = [];
const harnessFile = __filename;

function userFrame() {
  const stack = new Error().stack.split("\n").slice(2);
  // Only the direct caller counts: the SDK reading the clock on behalf of user code is not user code.
  for (const line of stack) {
    const match = /\(?((?:file:\/\/)?[^():\s]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match) return null;
    const file = match[1].replace(/^file:\/\//, "");
    if (file === harnessFile) continue;
    if (!path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) return null;
    return { file, line: Number(match[2]) };
  }
  return null;
}

function probe(source) {
  const frame = userFrame();
  if (frame) {
    probes.push({ source, file: frame.file, line: frame.line, in_step: insideStep() });
  }
}

function installPerturbation(seed) {
  let state = (seed * 2654435761) >>> 0 || 1;
  const nextRandom = () => {
    // mulberry32: a fixed, seedable stream that differs from the real Math.random.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Not a whole number of days: the hour of day, the weekday and the second all change.
  const offsetMs = seed * 133_992_345;
  const RealDate = Date;
  class PerturbedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) {
        probe("new Date()");
        super(RealDate.now() + offsetMs);
      } else {
        super(...args);
      }
    }
    static now() {
      probe("Date.now");
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = PerturbedDate;
  Math.random = () => {
    probe("Math.random");
    return nextRandom();
  };
  const hex = () => Math.floor(nextRandom() * 16).toString(16);
  const fakeUuid = () => {
    probe("crypto.randomUUID");
    const digits = Array.from({ length: 32 }, hex);
    digits[12] = "4";
    return `${digits.slice(0, 8).join("")}-${digits.slice(8, 12).join("")}-${digits.slice(12, 16).join("")}-${digits
      .slice(16, 20)
      .join("")}-${digits.slice(20).join("")}`;
  };
  const nodeCrypto = require("node:crypto");
  nodeCrypto.randomUUID = fakeUuid;
  if (globalThis.crypto) {
    Object.defineProperty(globalThis.crypto, "randomUUID", { value: fakeUuid, configurable: true });
  }
}

// ---------------------------------------------------------------- loading the handler

function resolveFrom(dir, name) {
  try {
    return require.resolve(name, { paths: [dir] });
  } catch {
    return null;
  }
}

function compileAt(file, code) {
  const compiled = new Module(file, null);
  compiled.filename = file;
  compiled.paths = Module._nodeModulePaths(path.dirname(file));
  compiled._compile(code, file);
  return compiled.exports;
}

function loadWithEsbuild(esbuildPath, file) {
  const esbuild = require(esbuildPath);
  const built = esbuild.buildSync({
    entryPoints: [file],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    write: false,
    sourcemap: "inline",
    sourcesContent: false,
    logLevel: "silent",
  });
  return compileAt(file, built.outputFiles[0].text);
}

function loadWithTypeScript(typescriptPath, file) {
  const ts = require(typescriptPath);
  if (typeof ts.transpileModule !== "function") {
    throw new Error(
      `${typescriptPath} has no transpileModule API (TypeScript 7 is a native compiler); ` +
        "install esbuild (npm i -D esbuild) or typescript@~6.0.3",
    );
  }
  const compile = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    const output = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        inlineSourceMap: true,
      },
    });
    module._compile(output.outputText, filename);
  };
  for (const extension of [".ts", ".mts", ".cts", ".tsx"]) {
    Module._extensions[extension] = compile;
  }
  // nodenext projects import "./x.js" for ./x.ts: fall back to the TypeScript source.
  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function resolveTs(request, parent, ...rest) {
    try {
      return originalResolve.call(this, request, parent, ...rest);
    } catch (error) {
      if (request.startsWith(".") && /\.[cm]?js$/.test(request)) {
        return originalResolve.call(this, request.replace(/js$/, "ts"), parent, ...rest);
      }
      throw error;
    }
  };
  return require(file);
}

async function loadModule(file) {
  const dir = path.dirname(file);
  if (/\.(c|m)?tsx?$/.test(file)) {
    const esbuildPath = resolveFrom(dir, "esbuild");
    if (esbuildPath) return loadWithEsbuild(esbuildPath, file);
    const tsxPath = resolveFrom(dir, "tsx/cjs/api");
    if (tsxPath) {
      require(tsxPath).register();
      return require(file);
    }
    const typescriptPath = resolveFrom(dir, "typescript");
    if (typescriptPath) return loadWithTypeScript(typescriptPath, file);
    if (process.features && process.features.typescript) return import(pathToFileURL(file).href);
    throw Object.assign(
      new Error(
        `Cannot run ${path.basename(file)}: no TypeScript transpiler found from ${dir}. ` +
          "Install one in the project (npm i -D esbuild, npm i -D tsx, or npm i -D typescript@~6.0.3), " +
          "or use Node >= 22.18, which runs .ts files natively.",
      ),
      { code: "DURABLE_MCP_NO_TRANSPILER" },
    );
  }
  return import(pathToFileURL(file).href);
}

function pickExport(moduleExports, name) {
  const candidates = [moduleExports, moduleExports && moduleExports.default];
  for (const candidate of candidates) {
    if (candidate && typeof candidate[name] === "function") return candidate[name];
  }
  return null;
}

function lambdaContext(event, deadline) {
  const arn = String(event.DurableExecutionArn || "");
  const functionArn = arn.split("/")[0];
  const parts = functionArn.split(":");
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: parts[6] || "local",
    functionVersion: parts[7] || "$LATEST",
    invokedFunctionArn: functionArn,
    memoryLimitInMB: "128",
    awsRequestId: `local-${Date.now()}`,
    logGroupName: "/aws/lambda/local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

// ---------------------------------------------------------------- virtual clock
// The engine skips waits by moving its clock ahead of the wall clock; Date follows it (the offset
// arrives with each request), so time measured across a skipped wait is the wait, as on Lambda.
let clockOffsetMs = 0;

function installVirtualClock() {
  const RealDate = Date;
  class VirtualDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + clockOffsetMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + clockOffsetMs;
    }
  }
  globalThis.Date = VirtualDate;
}

async function main() {
  const [file, exportName = "handler", ...options] = process.argv.slice(2);
  installVirtualClock(); // first: a perturbation wraps it
  const perturbAt = options.indexOf("--perturb");
  if (perturbAt >= 0) installPerturbation(Number(options[perturbAt + 1] || 1));
  process.setSourceMapsEnabled(true);
  const absolute = path.resolve(file);
  if (!resolveFrom(path.dirname(absolute), "@aws/durable-execution-sdk-js")) {
    send({
      fatal: {
        code: "DURABLE_MCP_NO_SDK",
        message:
          `@aws/durable-execution-sdk-js is not installed for ${absolute}. ` +
          "Run `npm install @aws/durable-execution-sdk-js` in the handler's project.",
      },
    });
    return;
  }
  let handler;
  try {
    handler = pickExport(await loadModule(absolute), exportName);
  } catch (error) {
    send({ fatal: { code: error.code || "DURABLE_MCP_LOAD_FAILED", ...errorInfo(error) } });
    return;
  }
  if (!handler) {
    send({ fatal: { code: "DURABLE_MCP_NO_EXPORT", message: `${absolute} does not export a function named ${exportName}.` } });
    return;
  }
  send({ ready: true, node: process.versions.node });
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line);
    probes.length = 0;
    clockOffsetMs = Number(request.clock_offset_ms) || 0;
    const deadline = performance.now() + (request.timeout_ms || 900_000);
    logBuffer = "";
    try {
      const output = await handler(request.event, lambdaContext(request.event, deadline));
      endCapture();
      send({ id: request.id, output, probes });
    } catch (error) {
      endCapture();
      send({ id: request.id, crash: errorInfo(error), probes });
    }
  }
}

main().catch((error) => {
  send({ fatal: { code: "DURABLE_MCP_HARNESS", ...errorInfo(error) } });
  process.exitCode = 1;
});
