from aws_durable_execution_sdk_python import durable_execution

CACHE: dict[str, bool] = {}
RUNS = 0
_client = None


@durable_execution
def handler(event, context):
    global RUNS, _client
    if _client is None:
        _client = object()
    RUNS += 1  # expect: DR016
    if event["id"] in CACHE:
        return "seen"
    CACHE[event["id"]] = True  # expect: DR016
    context.step(lambda _: 1, name="work")
    return "ok"
