"""Tests of bot.context: transcripts, dates, quotes, the extractors."""
