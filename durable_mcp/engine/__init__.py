"""The embedded durable execution service: see ``service`` (the API), ``local`` (the driver)."""
