import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

class Repo {
  private readonly createdAt = Date.now();
  now(): number {
    return Date.now();
  }
}

export const handler = withDurableExecution(async (event: { flag?: string }, context: DurableContext) => {
  const region = process.env.AWS_REGION;
  const repo = await context.step("repo", async () => new Repo().now());
  const sorted = [3, 1, 2].sort((a, b) => a - b);
  return { region, repo, sorted };
});
