from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner

from app import handler


def test_flow():
    runner = DurableFunctionTestRunner(handler=handler)
    result = runner.run(input={"id": 1}, execution_timeout=30)
    step = result.operations[1]  # expect: DR019
    first = result.get_all_operations()[0]  # expect: DR019
    charge = result.get_step("charge")
    assert [o.name for o in result.operations] == ["validate", "charge"]
    assert step.name == "charge" and first and charge
