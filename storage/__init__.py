"""Persistence for Handoff: typed SQLAlchemy models, sessions, repositories, migrations.

This package is the bottom layer: it imports nothing from ``bot``.
"""
