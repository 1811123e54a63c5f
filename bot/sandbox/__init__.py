"""A local stand-in for Slack's Web API, for the offline demo and the test suite."""

from bot.sandbox.slack_api import Call, FakeSlack, Fault

__all__ = ["Call", "FakeSlack", "Fault"]
