"""Reference-doc routing, MCP prompt rendering and prerequisite checks; nothing here knows about MCP.

* :mod:`.assets` finds ``reference/`` and ``prompts/`` (wheel or checkout) and reads documents.
* :mod:`.routing` maps a free-text topic to documents (``get_durable_guidance``).
* :mod:`.prompts` lists the prompts and renders them from jinja2 templates.
* :mod:`.prerequisites` probes local tools and AWS credentials (``check_durable_prerequisites``).
"""
