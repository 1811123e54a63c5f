"""Quotes must be verbatim (after light normalisation) and inside one segment."""

from __future__ import annotations

import pytest

from bot.context.quotes import quote_in_source
from bot.context.segments import Segment, Transcript

T = Transcript(
    (
        Segment("Aisha Khan", 41.3, "We’ll have SAML SSO with your Okta tenant live by January 15"),
        Segment("Raj Mehta", 58.8, "OK. And SCIM provisioning?"),
        Segment("Raj Mehta", 60.0, "Yes"),
    )
)


@pytest.mark.parametrize(
    "quote",
    [
        "We'll have SAML SSO with your Okta tenant live by January 15.",  # straight apostrophe
        "  we’ll HAVE saml sso   with your okta tenant live by January 15  ",  # case, spaces
        '"We\'ll have SAML SSO with your Okta tenant live by January 15."',  # quoted
        "SAML SSO with your Okta tenant",  # a verbatim part
        "Yes",  # a whole (short) segment
    ],
)
def test_verbatim_quotes_are_found(quote: str) -> None:
    assert quote_in_source(quote, T) is not None


def test_the_segment_found_carries_speaker_and_start() -> None:
    found = quote_in_source("And SCIM provisioning?", T)
    assert found is not None and (found.speaker, found.start) == ("Raj Mehta", 58.8)


@pytest.mark.parametrize(
    "quote",
    [
        "We will have SAML SSO live by January 15.",  # paraphrase
        "We'll have SAML SSO ... live by January 15.",  # elision
        "We'll have SCIM live by January 15.",  # invented detail
        "live by January 15. OK. And SCIM",  # stitched across two segments
        "e’ll have SAML SSO",  # not on a word boundary (inside "We’ll")
        "OK",  # one word that is not a whole segment proves nothing
        "",
    ],
)
def test_paraphrased_or_invented_quotes_are_rejected(quote: str) -> None:
    assert quote_in_source(quote, T) is None
