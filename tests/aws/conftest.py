from tests.aws.moto_server import aws_env, moto_url

__all__ = ["aws_env", "moto_url"]
