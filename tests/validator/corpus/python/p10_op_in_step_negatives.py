import threading
from concurrent.futures import ThreadPoolExecutor

from aws_durable_execution_sdk_python import durable_execution


def fetch(url: str) -> int:
    return len(url)


@durable_execution
def handler(event, context):
    def sizes(_):
        with ThreadPoolExecutor() as pool:
            return list(pool.map(fetch, event["urls"]))

    def pause(_):
        threading.Event().wait(1)
        return True

    total = context.step(sizes, name="sizes")
    context.step(pause, name="pause")
    lengths = [len(u) for u in event["urls"]]
    return {"total": total, "lengths": lengths}
