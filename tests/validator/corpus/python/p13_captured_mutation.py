from aws_durable_execution_sdk_python import durable_execution


@durable_execution
def handler(event, context):
    errors = []
    totals = {}

    def validate(_):
        for row in event["rows"]:
            if not row.get("id"):
                errors.append("missing id")  # expect: DR007
        totals["rows"] = len(event["rows"])  # expect: DR007
        local = []
        local.append(1)
        return len(local)

    context.step(validate, name="validate")
    summary = context.step(lambda _: {"n": 1}, name="build")
    summary["ok"] = True
    return {"errors": errors, "summary": summary}
