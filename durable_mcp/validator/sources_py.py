"""What counts as a nondeterministic or side-effecting call in Python, by qualified name."""

from __future__ import annotations

from durable_mcp.validator.ir import Effect

CLOCK_CALLS = frozenset({
    "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns", "time.perf_counter",
    "time.perf_counter_ns", "time.process_time", "time.process_time_ns", "time.thread_time",
    "time.thread_time_ns", "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
    "datetime.date.today", "arrow.now", "arrow.utcnow", "pendulum.now", "pendulum.today",
})
# Only their no-argument forms read the clock.
CLOCK_CALLS_WITHOUT_ARGS = frozenset({"time.localtime", "time.gmtime", "time.ctime", "time.asctime",
                                      "time.strftime"})
RANDOM_MODULES = ("random.", "secrets.", "numpy.random.")
# Seeded generators are deterministic: these are only sources when called without a seed.
SEEDABLE = frozenset({"random.Random", "numpy.random.default_rng", "numpy.random.RandomState",
                      "numpy.random.Generator"})
RANDOM_SAFE = frozenset({"random.seed", "numpy.random.seed"})
RANDOM_CALLS = frozenset({"os.urandom", "os.getrandom", "uuid.uuid1", "uuid.uuid4", "uuid.uuid6",
                          "uuid.uuid7", "ulid.new", "ulid.ULID", "nanoid.generate", "shortuuid.uuid"})
IO_MODULES = ("requests.", "httpx.", "urllib.request.", "http.client.", "socket.", "subprocess.",
              "shutil.", "aiohttp.", "urllib3.", "psycopg2.", "pymysql.", "sqlite3.", "redis.", "smtplib.",
              "ftplib.", "tempfile.", "glob.")
IO_SAFE = frozenset({"httpx.Client", "httpx.AsyncClient", "httpx.Timeout", "requests.Session",
                     "aiohttp.ClientSession", "http.client.HTTPException", "subprocess.CalledProcessError",
                     "subprocess.PIPE", "socket.timeout"})
IO_CALLS = frozenset({"open", "io.open", "os.remove", "os.unlink", "os.listdir", "os.scandir", "os.makedirs",
                      "os.mkdir", "os.rename", "os.replace", "os.system", "os.popen", "os.walk", "os.stat",
                      "os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.getsize"})
PATH_IO_METHODS = frozenset({"read_text", "write_text", "read_bytes", "write_bytes", "open", "exists",
                             "mkdir", "unlink", "iterdir", "glob", "rglob", "touch", "rmdir", "stat",
                             "is_file", "is_dir"})
AWS_CLIENT_FACTORIES = frozenset({"boto3.client", "boto3.resource", "boto3.session.Session.client",
                                  "boto3.Session.client", "boto3.Session.resource"})
# Methods on boto3 clients/resources that build objects or read configuration, not the network.
AWS_LOCAL_METHODS = frozenset({"Table", "Bucket", "Object", "Queue", "Topic", "get_paginator", "get_waiter",
                               "meta", "exceptions", "can_paginate", "close"})
SLEEP_CALLS = frozenset({"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep"})
LOG_CALLS = frozenset({"print", "sys.stdout.write", "sys.stderr.write", "pprint.pprint", "pprint.pp"})
LOG_LEVELS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
LOGGER_FACTORIES = frozenset({"logging.getLogger", "structlog.get_logger", "structlog.getLogger",
                              "logging.getLoggerClass"})
ENV_CALLS = frozenset({"os.getenv", "os.environ.get", "os.getenvb"})
# Values fixed for the life of the function version: safe to read on replay.
ENV_ALLOWED = frozenset({"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
                         "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_EXECUTION_ENV",
                         "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "LAMBDA_TASK_ROOT", "_HANDLER"})
MUTATING_METHODS = frozenset({"append", "extend", "insert", "remove", "pop", "popitem", "update", "setdefault",
                              "add", "discard", "clear", "sort", "reverse", "appendleft", "extendleft",
                              "difference_update", "intersection_update", "symmetric_difference_update"})


def classify_call(qualified: str, n_args: int) -> Effect | None:
    """The effect of calling ``qualified`` (an import-resolved dotted name), or None."""
    if qualified in CLOCK_CALLS or (qualified in CLOCK_CALLS_WITHOUT_ARGS and n_args == 0):
        return Effect.CLOCK
    if qualified in SEEDABLE:
        return Effect.RANDOM if n_args == 0 else None
    if qualified in RANDOM_CALLS or (qualified.startswith(RANDOM_MODULES) and qualified not in RANDOM_SAFE):
        return Effect.RANDOM
    if qualified in SLEEP_CALLS:
        return Effect.SLEEP
    if qualified in IO_CALLS or (qualified.startswith(IO_MODULES) and qualified not in IO_SAFE):
        return Effect.IO
    if qualified in LOG_CALLS or (qualified.startswith("logging.") and qualified[8:] in LOG_LEVELS):
        return Effect.LOG
    if qualified in ENV_CALLS:
        return Effect.ENV
    return None
