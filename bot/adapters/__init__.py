"""Adapters that implement the workflow's ports on real clients (Slack Web API, …)."""
