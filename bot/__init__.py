"""Handoff: the sales to customer-success handoff, run in Slack."""
