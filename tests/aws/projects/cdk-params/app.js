// A CDK app with a stack parameter and inline code (nothing to build): the smallest durable stack.
// Its CloudFormation name comes from GREETING_STACK_NAME (tests run it side by side), not its id;
// GREETING_REGION, when set, pins its region as an app's env does; GREETING_STAGE, when set, puts the
// stack inside a Stage of that name (the CLI then lists it as <stage>/GreetingStack).
const { App, CfnParameter, Duration, Stack, Stage } = require("aws-cdk-lib");
const lambda = require("aws-cdk-lib/aws-lambda");

const app = new App();
const scope = process.env.GREETING_STAGE ? new Stage(app, process.env.GREETING_STAGE) : app;
const stack = new Stack(scope, "GreetingStack", {
  stackName: process.env.GREETING_STACK_NAME,
  env: { region: process.env.GREETING_REGION },
});
const greeting = new CfnParameter(stack, "Greeting", { type: "String", default: "hello" });
new lambda.Function(stack, "Function", {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: "index.handler",
  code: lambda.Code.fromInline("exports.handler = async () => process.env.GREETING;"),
  environment: { GREETING: greeting.valueAsString },
  durableConfig: { executionTimeout: Duration.hours(1) },
});
