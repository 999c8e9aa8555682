"""What counts as a nondeterministic or side-effecting call in TypeScript/JavaScript."""

from __future__ import annotations

from durable_mcp.validator.ir import Effect

# Globals, by dotted callee, when the head identifier is not shadowed.
GLOBAL_CALLS: dict[str, Effect] = {
    "Date": Effect.CLOCK, "Date.now": Effect.CLOCK, "performance.now": Effect.CLOCK, "process.hrtime": Effect.CLOCK,
    "process.hrtime.bigint": Effect.CLOCK, "process.uptime": Effect.CLOCK,
    "Math.random": Effect.RANDOM, "crypto.randomUUID": Effect.RANDOM, "crypto.getRandomValues": Effect.RANDOM,
    "globalThis.crypto.randomUUID": Effect.RANDOM, "globalThis.crypto.getRandomValues": Effect.RANDOM,
    "fetch": Effect.IO, "globalThis.fetch": Effect.IO, "XMLHttpRequest": Effect.IO,
    "process.stdout.write": Effect.LOG, "process.stderr.write": Effect.LOG,
    "setTimeout": Effect.SLEEP, "Atomics.wait": Effect.SLEEP, "Bun.sleep": Effect.SLEEP,
}
CONSOLE_LEVELS = frozenset({"log", "info", "warn", "error", "debug", "trace", "dir", "table"})
# Imported module -> exported names that are sources ("*" = every export).
MODULE_EXPORTS: dict[str, tuple[Effect, frozenset[str]]] = {
    "uuid": (Effect.RANDOM, frozenset({"v1", "v4", "v6", "v7", "default"})),
    "nanoid": (Effect.RANDOM, frozenset({"nanoid", "customAlphabet", "default"})),
    "ulid": (Effect.RANDOM, frozenset({"ulid", "monotonicFactory", "default"})),
    "ulidx": (Effect.RANDOM, frozenset({"ulid", "default"})),
    "cuid": (Effect.RANDOM, frozenset({"*"})),
    "@paralleldrive/cuid2": (Effect.RANDOM, frozenset({"createId", "init", "default"})),
    "crypto": (Effect.RANDOM, frozenset({"randomUUID", "randomBytes", "randomInt", "getRandomValues",
                                         "randomFillSync", "randomFill", "webcrypto"})),
    "timers/promises": (Effect.SLEEP, frozenset({"setTimeout", "scheduler"})),
    "timers": (Effect.SLEEP, frozenset({"setTimeout"})),
    "axios": (Effect.IO, frozenset({"*"})),
    "got": (Effect.IO, frozenset({"*"})),
    "node-fetch": (Effect.IO, frozenset({"*"})),
    "undici": (Effect.IO, frozenset({"request", "fetch", "stream", "default"})),
    "http": (Effect.IO, frozenset({"request", "get"})),
    "https": (Effect.IO, frozenset({"request", "get"})),
    "fs": (Effect.IO, frozenset({"*"})),
    "fs/promises": (Effect.IO, frozenset({"*"})),
    "child_process": (Effect.IO, frozenset({"*"})),
    "net": (Effect.IO, frozenset({"connect", "createConnection"})),
    "pg": (Effect.IO, frozenset({"query"})),
}
# Exports of modules above that never have the effect (types, validators, name-based ids).
SAFE_EXPORTS = frozenset({"uuid:v3", "uuid:v5", "uuid:validate", "uuid:parse", "uuid:stringify", "uuid:NIL",
                          "uuid:version", "crypto:createHash", "crypto:createHmac", "crypto:timingSafeEqual",
                          "fs:existsSync_type", "axios:isAxiosError", "axios:AxiosError"})
AWS_SDK_PREFIXES = ("@aws-sdk/client-", "@aws-sdk/lib-")
AWS_LOCAL_METHODS = frozenset({"destroy", "middlewareStack", "config"})
MUTATING_METHODS = frozenset({"push", "pop", "splice", "shift", "unshift", "sort", "reverse", "set", "add",
                              "delete", "clear", "fill", "copyWithin"})
ENV_ALLOWED = frozenset({"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
                         "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_EXECUTION_ENV",
                         "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "LAMBDA_TASK_ROOT", "_HANDLER",
                         "NODE_ENV"})


def classify_import(qualified: str) -> Effect | None:
    """``qualified`` is ``module:export[.member...]`` from the import map."""
    module, _, member = qualified.partition(":")
    entry = MODULE_EXPORTS.get(module)
    if entry is None:
        return None
    export = member.split(".", 1)[0]
    if f"{module}:{export}" in SAFE_EXPORTS:
        return None
    effect, names = entry
    if "*" in names:
        return effect
    if export in ("*", "default") and "." in member:
        export = member.split(".", 2)[1]
    return effect if export in names else None
