// A CDK app with a stack parameter and inline code (nothing to build): the smallest durable stack.
// Its CloudFormation name comes from GREETING_STACK_NAME (tests run it side by side), not its id;
// GREETING_REGION, when set, pins its region as an app's env does.
const { App, CfnParameter, Duration, Stack } = require("aws-cdk-lib");
const lambda = require("aws-cdk-lib/aws-lambda");

const app = new App();
const stack = new Stack(app, "GreetingStack", {
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
