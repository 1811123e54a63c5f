"""Who speaks, and on which side: canonical labels, sides, stakeholders."""

from __future__ import annotations

from datetime import date

from bot.context.builtin import BuiltinExtractor
from bot.context.model import ExtractionTargets, Source
from bot.context.people import clean_name
from bot.context.sentences import sentences_of
from bot.context.sides import is_person_label
from bot.context.speakers import canonical_speakers
from bot.context.transcripts import parse_transcript

CALL = Source(kind="call", occurred_at=date(2026, 6, 29))


def people(text: str, extractor: BuiltinExtractor | None = None) -> dict[str, str]:
    extractor = extractor or BuiltinExtractor(seller_company="Pipewell")
    got = extractor.extract(parse_transcript(text), source=CALL, targets=ExtractionTargets())
    return {p.name: p.side for p in got.stakeholders}


def test_generic_labels_are_not_people() -> None:
    for label in ("Speaker 2", "Dial-in 2", "Unknown Speaker", "Guest", "+1 415 555 0100"):
        assert not is_person_label(label), label
    assert is_person_label("Marco") and is_person_label("Fiona Gallagher")


def test_a_dial_in_that_introduces_itself_and_a_first_name_label_become_the_person() -> None:
    transcript = parse_transcript(
        "Dial-in 2: Hello? Is this the Pipewell call?\n"
        "Dial-in 2: Yeah, sorry, it's Fiona, Fiona Gallagher. I'm the director of analytics.\n"
        "Marco: Sorry, my dog is barking.\n"
        "Marco Ruiz: And I'm Marco Ruiz, head of data platform.\n"
    )
    labels = [s.speaker for s in canonical_speakers(sentences_of(transcript))]
    assert list(dict.fromkeys(labels)) == ["Fiona Gallagher", "Marco Ruiz"]


def test_a_first_name_shared_by_two_people_stays_as_it_is() -> None:
    transcript = parse_transcript("Marco: Hi.\nMarco Ruiz: Hi.\nMarco Bell: Hello.\n")
    assert next(s.speaker for s in canonical_speakers(sentences_of(transcript))) == "Marco"


def test_a_seller_title_in_a_self_introduction_decides_the_side() -> None:
    sides = people(
        "Aaron Feld: I'm Aaron Feld, I'm the account executive for Meridian. "
        "Rachel, how do you want to run it? Do you want to go section by section?\n"
        "Rachel Osei: I'm Rachel Osei, CISO here at Meridian. Can you sign our BAA?\n",
        BuiltinExtractor(),
    )
    assert sides == {"Aaron Feld": "seller", "Rachel Osei": "customer"}


def test_a_buyer_who_mentions_third_parties_and_deal_desk_stays_a_customer() -> None:
    sides = people(
        "Jenna Morales: I'm Jenna Morales, account executive at Pipewell.\n"
        "Nate Cole: Their rep calls me every day. I talked to them.\n"
        "Nate Cole: CSAT, we're at eighty-two. Can you match their price? Good luck with deal "
        "desk.\n"
    )
    assert sides == {"Jenna Morales": "seller", "Nate Cole": "customer"}


def test_a_contracted_is_names_a_title_a_possessive_does_not() -> None:
    sides = people(
        "Tyler Brennan: I'm Tyler Brennan, account executive at Pipewell.\n"
        "Sam Whitaker: Jordan Blake's our CRO and he's the exec sponsor.\n"
        "Sam Whitaker: Kim Park's assistant booked the room.\n"
    )
    assert sides == {
        "Tyler Brennan": "seller",
        "Sam Whitaker": "customer",
        "Jordan Blake": "customer",
    }


def test_someone_named_as_being_at_another_place_is_not_a_stakeholder() -> None:
    sides = people(
        "Tyler Brennan: I'm Tyler Brennan, account executive at Pipewell.\n"
        "Elena Ruiz: The last tool was painful. Greg, our admin there, spent half his week on it.\n"
    )
    assert "Greg" not in sides


def test_a_turn_that_opens_with_the_speakers_name_and_a_seller_title() -> None:
    sides = people(
        "Omar Haddad: I'm Omar Haddad, account executive here at Clearpath.\n"
        "Beth Carver: I'm Beth Carver, VP of Finance. What about SSO?\n"
        "Wen Liu: Hi, Wen Liu, solutions engineer. I'd want to check on that.\n",
        BuiltinExtractor(seller_company="Clearpath"),
    )
    assert sides == {"Omar Haddad": "seller", "Beth Carver": "customer", "Wen Liu": "seller"}


def test_someone_introduced_takes_the_side_of_who_introduced_them() -> None:
    sides = people(
        "Freddie Lambourne: I'm Freddie Lambourne, account director here at Pipewell. And I've "
        "roped in my colleague Bea.\n"
        "Bea Castellanos: Hi everyone. Bea Castellanos. Former ward sister, so I know the pain.\n"
        "Hannah Osei: No worries. I've got Victor with me from our side.\n"
        "Victor Lam: Victor Lam, I'm the deal desk manager at Pipewell.\n"
        "Jenna Fairbanks: Jenna Fairbanks, General Counsel. Our CFO wants this. Looping in Rob "
        "and Tasha.\n"
        "Tasha Moore: Hi, Tasha Moore. Mostly here to lurk until the review.\n"
        "Freddie Lambourne: Looping in Sam from your IT team.\n"
        "Sam Ward: Hi, Sam Ward. Just listening.\n"
    )
    assert {name: people_side for name, people_side in sides.items() if " " in name} == {
        "Freddie Lambourne": "seller",
        "Bea Castellanos": "seller",
        "Hannah Osei": "seller",
        "Victor Lam": "seller",
        "Jenna Fairbanks": "customer",
        "Tasha Moore": "customer",
        "Sam Ward": "customer",
    }


def test_someone_a_seller_gives_an_internal_request_by_name_is_a_colleague() -> None:
    sides = people(
        "Nico Brandt: Nico Brandt, account executive at Pipewell. What's broken?\n"
        "Dana Whitcomb: I'm Dana Whitcomb, controller. We need invoice matching.\n"
        "Caleb Munroe: Thanks everyone! Talk soon.\n"
        "Nico Brandt: Caleb, stay on a sec.\n"
    )
    assert sides == {
        "Nico Brandt": "seller",
        "Dana Whitcomb": "customer",
        "Caleb Munroe": "seller",
    }


def test_an_honorific_before_a_full_name_is_dropped_and_working_with_someone_names_them() -> None:
    sides = people(
        "Jack Merriman: I'm Jack Merriman, account executive at Pipewell. You'll also work with "
        "Dev Anand, our implementation lead.\n"
        "Harriet Cole: Dr Sunil Varma, our Chief Nursing Officer, signs.\n"
    )
    assert sides["Dev Anand"] == "seller" and sides["Sunil Varma"] == "customer"
    assert clean_name("Dr. Hollis") == "Dr. Hollis"  # the honorific is all there is to go by


def test_once_a_seller_is_anchored_promise_language_alone_makes_no_seller() -> None:
    extractor = BuiltinExtractor(seller_domains=["pipewell.com"])
    text = (
        "Dana Reyes: Hi all, I'm Dana Reyes, the account executive here at Pipewell.\n"
        "Raj Patel: I'll send over our vendor forms by Friday, and we'll get your team access "
        "to our test environment next week.\n"
        "Raj Patel: I'll get you the W-9 request. We'll have the security review done soon.\n"
    )
    assert people(text, extractor) == {"Dana Reyes": "seller", "Raj Patel": "customer"}
    got = extractor.extract(parse_transcript(text), source=CALL, targets=ExtractionTargets())
    assert got.commitments == ()


def test_a_role_after_a_name_introduces_a_colleague_and_your_tool_is_the_buyers_word() -> None:
    sides = people(
        "Nina Patel: I'm Nina Patel, regional sales director at Pipewell. Simon Okoye, our deal "
        "desk manager, is on as well, and Sergio's our security lead.\n"
        "Simon Okoye: We can do net 60. I'll update the order form today.\n"
        "Sergio Diaz: Hey folks, Sergio Diaz. We'll turn the questionnaire around in a week.\n"
        "Colin Fraser: Colin Fraser. I'm the guy who'll be living in your tool. I'll send over "
        "the vendor export so your team can see them all, and I'll show them the program.\n"
    )
    assert sides == {
        "Nina Patel": "seller",
        "Simon Okoye": "seller",
        "Sergio Diaz": "seller",
        "Colin Fraser": "customer",
    }


def test_a_channel_with_a_customer_in_it_is_shared_and_an_added_member_is_theirs() -> None:
    extractor = BuiltinExtractor(seller_domains=["carepath.health"])
    thread = (
        "Owen Gallagher: I'm Owen, account exec on the Carepath side.\n"
        "Megan Holt: Megan Holt, director of patient access. We need self-scheduling. I'm adding "
        "Alan to the channel.\n"
        "Alan Petrov: Hi everyone. I'll be lurking here.\n"
        "Priya Das: Hi all, just reading along.\n"
    )
    got = extractor.extract(
        parse_transcript(thread), source=Source(kind="slack"), targets=ExtractionTargets()
    )
    assert {p.name: p.side for p in got.stakeholders} == {
        "Owen Gallagher": "seller",
        "Megan Holt": "customer",
        "Alan Petrov": "customer",
        "Priya Das": "customer",
    }


def test_accented_names_a_short_first_name_and_places_after_a_preposition() -> None:
    sides = people(
        "Tomás Arias: Hey all, Tomás Arias, I'm a principal solutions architect at Pipewell.\n"
        "Samuel Reyes: Sam Reyes, I'm the dean of student success.\n"
        "Maya Lind: I run HR operations for Halvorsen, director of HR ops. Linda Faraday, vice "
        "chancellor of business services, signs. Janelle runs sales for the East, VP of sales.\n"
    )
    assert sides == {
        "Tomás Arias": "seller",
        "Samuel Reyes": "customer",
        "Maya Lind": "customer",
        "Linda Faraday": "customer",
    }
