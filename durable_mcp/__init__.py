"""durable-mcp: an MCP server for AWS Lambda durable functions."""

__version__ = "0.1.0"
