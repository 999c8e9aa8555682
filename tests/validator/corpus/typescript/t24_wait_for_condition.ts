import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

let polls = 0;

export const handler = withDurableExecution(async (event: { jobId: string }, context: DurableContext) => {
  let attempts = 0;
  const status = await context.waitForCondition("poll", async (state: { done: boolean }) => {
    attempts++; // expect: DR006
    polls++; // expect: DR006
    const res = await fetch(`https://example.com/jobs/${event.jobId}`);
    return { done: res.ok };
  }, {
    initialState: { done: false },
    waitStrategy: (s) => (s.done ? { shouldContinue: false } : { shouldContinue: true, delay: { seconds: 5 } }),
  });
  return { status, attempts };
});
