"""How the CSM rates each field of the record, two weeks after kickoff."""

from __future__ import annotations

import enum


class FieldAccuracy(enum.StrEnum):
    ACCURATE = "accurate"
    PARTLY = "partly"
    INACCURATE = "inaccurate"
    UNUSED = "unused"  # not needed: says nothing about the record's accuracy

    @property
    def counts_towards_accuracy(self) -> bool:
        return self is not FieldAccuracy.UNUSED
