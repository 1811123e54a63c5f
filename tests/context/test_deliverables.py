"""What a promise must show (a delivery, a date or a term), and the classes of promise-shaped
talk the labellers of every set reject: roles and introductions, the meeting in progress,
notes and relaying inside our company, reassurances, offers at the customer's wish, asking
first, capabilities, limits, opinions, restatements, withdrawals of an offer (crafted snippets,
phrased unlike the labelled calls on purpose)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.context.builtin import BuiltinExtractor
from bot.context.deliverables import names_a_delivery
from bot.context.model import ExtractionTargets, Source
from bot.context.promises import _BINDING
from bot.context.transcripts import parse_transcript

NOV_18 = Source(kind="call", occurred_at=date(2026, 11, 18))  # a Wednesday
SELLER = BuiltinExtractor(seller_domains=["acme.com"], seller_company="Acme")
INTRO = (
    "Dana Reyes: Hi all, I'm Dana Reyes, the account executive here at Acme.\n"
    "Raj Patel: Hi Dana, I'm Raj, I run operations. We need this live soon.\n"
)


def promised(text: str, source: Source = NOV_18) -> dict[str, date | None]:
    got = SELLER.extract(parse_transcript(text), source=source, targets=ExtractionTargets())
    return {c.quote: c.due for c in got.commitments}


def said(*lines: str) -> dict[str, date | None]:
    return promised(INTRO + "".join(f"Dana Reyes: {line}\n" for line in lines))


@pytest.mark.parametrize(
    "line",
    [
        "We'll keep you posted.",
        "We'll take it from here.",
        "I'll type up my notes afterwards.",
        "We'll stay in touch.",
        "I'll feed that back to engineering.",
    ],
)
def test_a_promise_with_no_delivery_date_or_term_is_none(line: str) -> None:
    assert said(line) == {}


def test_a_verb_of_delivery_a_date_or_a_term_makes_it_one() -> None:
    assert said(
        "I'll draft the statement of work and send it to your procurement team.",
        "I'll shoot you the recording link tonight.",
        "Training for your admins is free for the first year.",
    ) == {
        "I'll draft the statement of work and send it to your procurement team.": None,
        "I'll shoot you the recording link tonight.": date(2026, 11, 18),
        "Training for your admins is free for the first year.": None,
    }
    clause = "We'll keep you posted."
    binding = _BINDING.search(clause)
    assert binding is not None and not names_a_delivery(clause, binding=binding)
    clause = "Row filters will be live in your tenant in March."
    binding = _BINDING.search(clause)
    assert binding is not None and names_a_delivery(clause, binding=binding)


def test_roles_in_the_future_progressive_and_self_introductions_deliver_nothing() -> None:
    assert (
        promised(
            "Marta Kowal: Hi, Marta Kowal here, senior solutions consultant at Acme.\n"
            "Leo Brandt: Hey all, Leo Brandt, I'm a principal solutions architect, I'll be "
            "covering deployment.\n"
            "Dana Reyes: And I'm Dana, Dana Reyes, account executive, mostly I'll be taking "
            "notes.\n"
            "Marta Kowal: I'll be managing the rollout with your team.\n"
            "Dana Reyes: I'm still your account executive through signature, and then you'll "
            "get a customer success manager.\n"
            "Raj Patel: Great, we need this live soon.\n"
        )
        == {}
    )


def test_the_meeting_in_progress_is_logistics_a_session_set_for_later_is_owed() -> None:
    assert said(
        "We'll get into pricing in a minute.",
        "We'll take questions at the end.",
        "I'll kick things off with a quick overview.",
        "We'll record it, if that's okay with everyone?",
        "Okay, good to know, we'll come back to that.",
        "I'll walk you through the admin console at kickoff.",
    ) == {"I'll walk you through the admin console at kickoff.": None}


def test_notes_relaying_reassurance_and_offers_at_the_customers_wish_are_not_promises() -> None:
    assert (
        said(
            "I'll make a note of that.",
            "I'll mention it to our engineers.",
            "We'll get our heads together internally.",
            "We'll make sure you're successful.",
            "We're going to be with you every step of the way.",
            "If it helps, we can do a second demo for your team.",
            "Happy to send over a reference.",
            "We'll plan around it.",
        )
        == {}
    )


def test_asking_first_an_opinion_a_limit_and_a_capability_are_not_promises() -> None:
    assert (
        said(
            "I'll ask our controller, but I honestly don't know if he'll go for net 60.",
            "I'll run it past our CFO and get back to you.",
            "I think it's doable, but I want our lead to look at it first.",
            "Three is the most we can do right now at that discount.",
            "We can set the threshold per account, so variance over ten percent gets flagged.",
            "I'll do my best to get it to you by Friday.",
        )
        == {}
    )
    assert said("Yes, we can configure the connector as read-only for phase one.") == {
        "Yes, we can configure the connector as read-only for phase one.": None
    }


def test_a_promise_said_again_in_a_later_turn_counts_once_a_new_document_does_not() -> None:
    got = promised(
        INTRO + "Dana Reyes: I'll write up the HL7 field mapping for your interface team.\n"
        "Raj Patel: Thanks.\n"
        "Dana Reyes: And I'll have the HL7 mapping doc to your team early next week.\n"
        "Dana Reyes: I'll have the revised order form to you by Friday, with all of that in it.\n"
    )
    assert list(got) == [
        "I'll write up the HL7 field mapping for your interface team.",
        "I'll have the revised order form to you by Friday, with all of that in it.",
    ]


def test_a_withdrawal_right_after_an_offer_takes_that_offer_not_an_earlier_promise() -> None:
    got = promised(
        INTRO + "Dana Reyes: I'll include that fee in the pricing so there are no surprises.\n"
        "Raj Patel: Could we pilot at one plant?\n"
        "Dana Reyes: Yeah, we could do a free pilot, actually, sorry, I have to walk that back.\n"
        "Dana Reyes: We can do a 60-day termination for convenience.\n"
        "Raj Patel: Great.\n"
        "Dana Reyes: Correction on my earlier message re: termination, legal tells me the "
        "minimum is 90 days, we can't offer 60.\n"
    )
    assert list(got) == ["I'll include that fee in the pricing so there are no surprises."]


def test_a_delivery_said_without_our_verb_still_binds() -> None:
    assert said(
        "Yes, revised pricing for all 22 clinics coming your way by Friday.",
        "On Databricks, row filters will be live in your tenant in March.",
    ) == {
        "Yes, revised pricing for all 22 clinics coming your way by Friday.": date(2026, 11, 20),
        "On Databricks, row filters will be live in your tenant in March.": date(2027, 3, 31),
    }


def test_answering_a_colleagues_request_for_themself_is_a_to_do() -> None:
    assert (
        promised(
            INTRO + "Grace Liu: And I'm Grace Liu, implementation consultant at Acme.\n"
            "Grace Liu: Dana, can you add me to the kickoff invite? I'm not on it.\n"
            "Dana Reyes: Yep, I'll add you to it after this.\n"
        )
        == {}
    )


def test_being_somewhere_on_a_date_delivers_nothing_being_ready_or_assigned_does() -> None:
    assert said(
        "We're going to be at the conference in May.",
        "We'll take that into account.",
        "I'll take a look and let you know.",
        "Your implementation manager will be assigned within five business days.",
        "We'll take care of the data migration for you.",
        "The SSO setup is part of the package, no extra charge.",
    ) == {
        "Your implementation manager will be assigned within five business days.": date(
            2026, 11, 25
        ),
        "We'll take care of the data migration for you.": None,
        "The SSO setup is part of the package, no extra charge.": None,
    }


def test_a_recap_keeps_only_the_new_promise_it_ends_on_and_by_then_joins_the_date() -> None:
    got = promised(
        INTRO + "Raj Patel: What about training? We want to be live by June 30.\n"
        "Dana Reyes: Two live training sessions are included at no cost.\n"
        "Raj Patel: And June 30?\n"
        "Dana Reyes: June 30 works. We'll have you live by then.\n"
        "Dana Reyes: Okay, to recap: two trainings included, live by June 30, and I'll send the "
        "proposal by Friday.\n"
    )
    assert got == {
        "Two live training sessions are included at no cost.": None,
        "June 30 works. We'll have you live by then.": date(2027, 6, 30),
        "I'll send the proposal by Friday.": date(2026, 11, 20),
    }


def test_the_clock_of_the_call_can_date_a_delivery_its_small_talk_cannot() -> None:
    assert said(
        "I'll drop the link in the chat in a sec.",
        "We'll get to integrations later in the call.",
        "I'll keep you in the loop.",
        "I'll send you the recording at the end of the call.",
        "I'll drop the pricing sheet in your inbox after the call.",
    ) == {
        "I'll send you the recording at the end of the call.": None,
        "I'll drop the pricing sheet in your inbox after the call.": None,
    }
