import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";

class OrderWorkflow {
  constructor(private readonly ctx: DurableContext, private readonly id: string) {}

  async run(): Promise<number> {
    const started = Date.now(); // expect: DR001
    await this.ctx.step("load", async () => this.id);
    await this.ctx.step("inner", async () => {
      await this.ctx.wait("nested", { seconds: 1 }); // expect: DR004
    });
    this.ctx.wait("forgotten", { seconds: 5 }); // expect: DR011
    return started;
  }
}

class Clock {
  now(): number {
    return Date.now();
  }
}

export const handler = withDurableExecution(async (event: { id: string }, context: DurableContext) => {
  return new OrderWorkflow(context, event.id).run();
});
