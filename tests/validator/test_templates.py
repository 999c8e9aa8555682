"""CloudFormation and SAM: DurableConfig, role permissions, qualified invocation, cfn-lint errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

from durable_mcp.validator import validate_paths, validate_source

ROLE_WITH_INLINE_POLICY = textwrap.dedent("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }
          Policies:
            - PolicyName: durable
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: [lambda:CheckpointDurableExecution, lambda:GetDurableExecutionState]
                    Resource: "*"
      Fn:
        Type: AWS::Lambda::Function
        Properties:
          Runtime: nodejs22.x
          Handler: index.handler
          Role: !GetAtt Role.Arn
          Code: { ZipFile: "exports.handler = async () => 1;" }
          DurableConfig: { ExecutionTimeout: 3600 }
""")


def rules(source: str, language: str = "cloudformation") -> list[str]:
    return sorted(f.rule for f in validate_source(source, language).findings)


def test_equivalent_inline_permissions_satisfy_the_role_check() -> None:
    assert rules(ROLE_WITH_INLINE_POLICY) == []


def test_missing_one_durable_action_is_reported() -> None:
    source = ROLE_WITH_INLINE_POLICY.replace(", lambda:GetDurableExecutionState", "")
    assert rules(source) == ["DT003"]


def test_retention_out_of_range_and_unknown_property() -> None:
    source = ROLE_WITH_INLINE_POLICY.replace("{ ExecutionTimeout: 3600 }",
                                             "{ ExecutionTimeout: 3600, RetentionPeriodInDays: 91, Extra: 1 }")
    assert rules(source) == ["DT002"]  # one finding per rule and line


def test_sam_is_translated_before_cfn_lint() -> None:
    source = textwrap.dedent("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: index.handler
              InlineCode: "def handler(e, c):\\n    return 1\\n"
              MemorySize: 1
              DurableConfig: { ExecutionTimeout: 60 }
    """)
    report = validate_source(source, "sam")
    assert [f.rule for f in report.findings] == ["DT005"]
    assert "MemorySize" in report.findings[0].message or "128" in report.findings[0].message


def test_unparsable_template_is_dr000() -> None:
    report = validate_source("Resources: [unclosed\n", "cloudformation")
    assert [f.rule for f in report.findings] == ["DR000"]


def test_sam_with_a_local_code_uri_translates() -> None:
    source = textwrap.dedent("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
              AutoPublishAlias: live
              DurableConfig: { ExecutionTimeout: 900 }
    """)
    assert rules(source, "sam") == []


def test_json_that_only_mentions_aws_types_is_not_a_template(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text('{"detail-type": "AWS::S3::Bucket change", "Resources": ["arn:x"]}')
    (tmp_path / "config.yaml").write_text("kind: AWS::Lambda::Function\n")
    report = validate_paths([tmp_path])
    assert report.findings == []
