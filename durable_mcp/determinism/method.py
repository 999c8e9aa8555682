"""What the determinism check does, in the words the CLI help and every report share.

Its own module so that building the CLI's parser does not import the pydantic report models.
"""

DESCRIPTION = (
    "Runs the handler to completion, then replays every invocation with the clock moved, random "
    "numbers and UUIDs drawn from another stream, and compares the operations each replay "
    "checkpoints (position, type, name) and its outcome with the recorded run. The interruption "
    "test then ends the invocation before each checkpoint in turn (a simulated crash) and checks "
    "that the retried execution ends with the same operations and result, reporting steps whose "
    "code ran again or whose result changed. Step code runs for real (use stub_steps to replace "
    "steps with side effects); nothing is deployed and no AWS call is made."
)
