"""What is wrong with the settings or the playbook; the app does not start."""

from __future__ import annotations


class ConfigError(Exception):
    """Settings or the playbook are wrong. ``user_message`` is one sentence for the admin."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.user_message = message
