"""Reading what `cdk deploy` synthesized from the cloud assembly (manifest layout of cdk 2.1148)."""

from __future__ import annotations

import json
from pathlib import Path

from durable_mcp.aws.deploy.cloud_assembly import read_synthesized_stack

ACCOUNT, REGION = "123456789012", "us-east-1"


def write_assembly(project: Path, *, environment: str, stack_name: str | None = None, out: str = "cdk.out") -> None:
    assembly = project / out
    assembly.mkdir(parents=True)
    properties = {"templateFile": "Orders.template.json", **({"stackName": stack_name} if stack_name else {})}
    manifest = {
        "version": "55.0.0",
        "artifacts": {
            "Orders.assets": {"type": "cdk:asset-manifest", "properties": {"file": "Orders.assets.json"}},
            "Orders": {
                "type": "aws:cloudformation:stack",
                "environment": environment,
                "properties": properties,
                "dependencies": ["Orders.assets"],
            },
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
        },
    }
    bucket = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"
    destination = {"bucketName": bucket, "objectKey": "abc.zip"}
    assets = {"files": {"abc": {"destinations": {"current": destination}}, "def": {"destinations": {"x": destination}}}}
    (assembly / "manifest.json").write_text(json.dumps(manifest))
    (assembly / "Orders.assets.json").write_text(json.dumps(assets))


def test_a_stack_deployed_wherever_the_cli_runs_has_no_region_and_its_bucket_in_the_cli_region(tmp_path):
    write_assembly(tmp_path, environment="aws://unknown-account/unknown-region")

    stack = read_synthesized_stack(tmp_path, "Orders", account=ACCOUNT, region=REGION)

    assert stack is not None
    assert (stack.stack_name, stack.region) == ("Orders", None)
    assert stack.asset_buckets == [f"cdk-hnb659fds-assets-{ACCOUNT}-{REGION}"]  # one bucket, named once


def test_a_pinned_stack_names_its_region_and_cloudformation_name(tmp_path):
    write_assembly(tmp_path, environment="aws://unknown-account/eu-west-2", stack_name="orders-prod")

    stack = read_synthesized_stack(tmp_path, "Orders", account=ACCOUNT, region=REGION)

    assert stack is not None
    assert (stack.stack_name, stack.region) == ("orders-prod", "eu-west-2")
    assert stack.asset_buckets == [f"cdk-hnb659fds-assets-{ACCOUNT}-eu-west-2"]


def test_the_output_directory_set_in_cdk_json_is_read(tmp_path):
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "node app.js", "output": "build/assembly"}))
    write_assembly(tmp_path, environment="aws://unknown-account/unknown-region", out="build/assembly")

    assert read_synthesized_stack(tmp_path, "Orders", account=ACCOUNT, region=REGION) is not None


def test_no_assembly_an_unknown_id_or_a_broken_manifest_reads_as_nothing(tmp_path):
    assert read_synthesized_stack(tmp_path, "Orders", account=ACCOUNT, region=REGION) is None
    write_assembly(tmp_path, environment="aws://unknown-account/unknown-region")
    assert read_synthesized_stack(tmp_path, "Tree", account=ACCOUNT, region=REGION) is None  # not a stack
    assert read_synthesized_stack(tmp_path, "Missing", account=ACCOUNT, region=REGION) is None
    (tmp_path / "cdk.out" / "manifest.json").write_text("{not json")
    assert read_synthesized_stack(tmp_path, "Orders", account=ACCOUNT, region=REGION) is None


def test_a_broken_asset_manifest_leaves_the_bucket_unknown(tmp_path):
    write_assembly(tmp_path, environment="aws://unknown-account/unknown-region")
    (tmp_path / "cdk.out" / "Orders.assets.json").write_text('["not", "a", "manifest"]')

    stack = read_synthesized_stack(tmp_path, "Orders", account=ACCOUNT, region=REGION)

    assert stack is not None and stack.asset_buckets == []


def test_a_stack_inside_a_stage_is_found_in_its_nested_assembly_by_the_path_the_cli_lists(tmp_path):
    # The layout `cdk synth` (2.1148) writes for `new Stage(app, "Prod", {env: {region: "eu-west-1"}})`
    # holding the stack "Orders": the root manifest points at assembly-Prod/, where the stack has an
    # artifact id of its own and the CLI's path as its display name.
    write_assembly(tmp_path, environment="aws://unknown-account/unknown-region")  # a top-level namesake
    root = tmp_path / "cdk.out"
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["artifacts"]["assembly-Prod"] = {
        "type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"}}
    (root / "manifest.json").write_text(json.dumps(manifest))
    nested = root / "assembly-Prod"
    nested.mkdir()
    stack_id = "ProdOrders2EDBF9CE"
    (nested / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": {
        f"{stack_id}.assets": {"type": "cdk:asset-manifest", "properties": {"file": f"{stack_id}.assets.json"}},
        stack_id: {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/eu-west-1",
                   "displayName": "Prod/Orders", "dependencies": [f"{stack_id}.assets"],
                   "properties": {"templateFile": f"{stack_id}.template.json", "stackName": "Prod-Orders"}},
    }}))
    destination = {"bucketName": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}", "objectKey": "f.zip"}
    (nested / f"{stack_id}.assets.json").write_text(json.dumps({"files": {"f": {"destinations": {"d": destination}}}}))

    stack = read_synthesized_stack(tmp_path, "Prod/Orders", account=ACCOUNT, region=REGION)

    assert stack is not None
    assert (stack.stack_name, stack.region) == ("Prod-Orders", "eu-west-1")
    assert stack.asset_buckets == [f"cdk-hnb659fds-assets-{ACCOUNT}-eu-west-1"]
    top = read_synthesized_stack(tmp_path, "Orders", account=ACCOUNT, region=REGION)
    assert top is not None and top.region is None  # the top-level stack of that id is still the one found
