"""Deploy a SAM, CDK or CloudFormation project, split into plan (change set) and apply."""


from typing import TYPE_CHECKING

from durable_mcp._lazy import lazy_exports

if TYPE_CHECKING:
    from durable_mcp.aws.deploy.flow import apply_deployment, decline_deployment, deploy, plan_deployment
    from durable_mcp.aws.deploy.models import (
        DeployedFunction,
        DeploymentFailedError,
        DeploymentFailure,
        DeploymentPlan,
        DeploymentResult,
        ResourceChange,
        StackEvent,
    )

__all__ = [
    "DeployedFunction",
    "DeploymentFailedError",
    "DeploymentFailure",
    "DeploymentPlan",
    "DeploymentResult",
    "ResourceChange",
    "StackEvent",
    "apply_deployment",
    "decline_deployment",
    "deploy",
    "plan_deployment",
]

_MODELS = ("DeployedFunction", "DeploymentFailedError", "DeploymentFailure", "DeploymentPlan", "DeploymentResult",
           "ResourceChange", "StackEvent")
_FLOW = ("apply_deployment", "decline_deployment", "deploy", "plan_deployment")
__getattr__ = lazy_exports(__name__, {
    **dict.fromkeys(_MODELS, "durable_mcp.aws.deploy.models"),
    **dict.fromkeys(_FLOW, "durable_mcp.aws.deploy.flow"),
})
