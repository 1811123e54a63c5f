"""The HTTP surface: one WSGI app routing Slack, CRM webhooks and health checks."""
