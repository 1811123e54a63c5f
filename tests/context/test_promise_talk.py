"""A promise in its conversation: colleagues' to-dos, withdrawals later in the call, disclaimers,
one promise said in two sentences, and what delivers nothing (crafted snippets)."""

from __future__ import annotations

from datetime import date

from bot.context.builtin import BuiltinExtractor
from bot.context.model import ExtractionTargets, Source
from bot.context.transcripts import parse_transcript

NOV_18 = Source(kind="call", occurred_at=date(2026, 11, 18))  # a Wednesday
SELLER = BuiltinExtractor(seller_names=["Dana Reyes"], seller_company="Acme")
INTRO = (
    "Dana Reyes: I'm Dana Reyes, account executive. I've got Kofi with me from our side.\n"
    "Raj Patel: Raj Patel, our CFO is Ann Lee. We need a decision soon.\n"
)


def promised(text: str) -> dict[str, date | None]:
    got = SELLER.extract(parse_transcript(text), source=NOV_18, targets=ExtractionTargets())
    return {c.quote: c.due for c in got.commitments}


def test_a_promise_to_a_colleague_by_name_is_a_to_do_one_to_the_customer_stands() -> None:
    got = promised(
        INTRO + "Kofi Mensah: Raj, I'll send you the SOC 2 report by Friday.\n"
        "Dana Reyes: Kofi, I'll drop my notes into the handover doc tonight.\n"
        "Kofi Mensah: I'll put the renewal in your calendar, Dana.\n"
    )
    assert got == {"Raj, I'll send you the SOC 2 report by Friday.": date(2026, 11, 20)}


def test_answering_a_colleagues_internal_request_is_a_to_do() -> None:
    got = promised(
        INTRO + "Dana Reyes: Kofi, can you open a ticket with legal so they review it internally?\n"
        "Kofi Mensah: Yes, I'll do that this afternoon.\n"
        "Raj Patel: Can you send the DPA?\n"
        "Kofi Mensah: Yes, I'll send the DPA this afternoon.\n"
    )
    assert got == {"Yes, I'll send the DPA this afternoon.": date(2026, 11, 18)}


def test_a_promise_reported_to_a_colleague_still_binds() -> None:
    got = promised(
        INTRO + "Dana Reyes: I promised Raj we'd have the Kronos answer by Friday, so @Kofi can "
        "you chase product on that?\n"
    )
    assert list(got.values()) == [date(2026, 11, 20)]


def test_a_promise_withdrawn_later_by_the_speaker_or_naming_it_is_dropped() -> None:
    got = promised(
        INTRO + "Dana Reyes: And we'll also give you the second year of analytics free.\n"
        "Kofi Mensah: Dana, sorry, that was the Q4 promo. That expired in December.\n"
        "Dana Reyes: Oh. You're right, that one's off the table.\n"
        "Dana Reyes: We can include five extra seats for the managers at no cost.\n"
        "Dana Reyes: I'll send the order form by Friday.\n"
        "Raj Patel: Great.\n"
        "Raj Patel: Thanks.\n"
        "Raj Patel: Bye.\n"
        "Dana Reyes: Correction on my earlier note: the five extra seats aren't something I can "
        "include after all.\n"
    )
    assert got == {"I'll send the order form by Friday.": date(2026, 11, 20)}


def test_a_correction_or_a_withdrawal_far_away_naming_nothing_of_it_leaves_a_promise() -> None:
    got = promised(
        INTRO + "Dana Reyes: I'll send the order form by Friday.\n"
        "Dana Reyes: Correction: the kickoff is on the 9th.\n"
        "Raj Patel: Great.\n"
        "Raj Patel: And the board?\n"
        "Raj Patel: They meet monthly.\n"
        "Raj Patel: Anyway.\n"
        "Dana Reyes: The old discount? That one's off the table.\n"
    )
    assert got == {"I'll send the order form by Friday.": date(2026, 11, 20)}


def test_a_disclaimer_right_after_a_promise_takes_it_back_one_about_something_else_not() -> None:
    got = promised(
        "Dana Reyes: I'll raise it internally but I can't promise anything on that one.\n"
        "Dana Reyes: I'll take it back to the team. No promises.\n"
        "Dana Reyes: I'll send the SOC report today, but I can't commit to the pen test.\n"
    )
    assert got == {"I'll send the SOC report today": date(2026, 11, 18)}


def test_roles_assurances_accepting_and_considering_deliver_nothing() -> None:
    got = promised(
        "Dana Reyes: I'll be handling the sandbox and integrations.\n"
        "Dana Reyes: We're going to take good care of you.\n"
        "Dana Reyes: Ha, I'll take it.\n"
        "Dana Reyes: We'll look at it, but net ninety is tough.\n"
        "Dana Reyes: We could also include the voice add-on for free.\n"
        "Dana Reyes: I'll keep it tight. Here's what I'll do.\n"
        "Dana Reyes: I'll record a short video of the photo markup for your crew leads.\n"
    )
    assert got == {"I'll record a short video of the photo markup for your crew leads.": None}


def test_a_sentence_pointing_back_joins_the_promise_beside_it() -> None:
    got = promised(
        "Raj Patel: Can we lock the price?\n"
        "Dana Reyes: We'll lock your per-seat price for three years. That goes in the order "
        "form.\n"
        "Dana Reyes: We'll cap the uplift at five percent, and I'll put that in the order form.\n"
        "Raj Patel: Could we do the workshop Thursday the 19th?\n"
        "Dana Reyes: Thursday the 19th it is. I'll come down in person.\n"
        "Dana Reyes: We'll run a mapping workshop. I'll bring our consultant for that.\n"
        "Dana Reyes: What I can do is extend your trial. Done. I'll extend it today.\n"
    )
    assert got == {
        "We'll lock your per-seat price for three years. That goes in the order form.": None,
        "We'll cap the uplift at five percent, and I'll put that in the order form.": None,
        "Thursday the 19th it is. I'll come down in person.": date(2026, 11, 19),
        "We'll run a mapping workshop. I'll bring our consultant for that.": None,
        "I'll extend it today.": date(2026, 11, 18),
    }


def test_taking_the_customers_date_is_a_commitment_an_assessment_on_a_condition_is_not() -> None:
    got = promised(
        "Raj Patel: We need to sign by end of Q1.\n"
        "Dana Reyes: End of Q1 works.\n"
        "Raj Patel: Our sale starts January 26th, we need it live before that.\n"
        "Dana Reyes: January 26th we can hit.\n"
        "Raj Patel: We want the module live in June.\n"
        "Dana Reyes: June's doable.\n"
        "Raj Patel: I want the fill rate at ninety.\n"
        "Dana Reyes: That's very achievable if the shifts are visible early enough.\n"
    )
    assert got == {
        "End of Q1 works.": date(2027, 3, 31),
        "January 26th we can hit.": date(2027, 1, 26),
        "June's doable.": date(2027, 6, 30),
    }


def test_a_delivery_dated_by_the_deal_and_a_discount_that_holds_are_terms() -> None:
    got = promised(
        "Dana Reyes: Sensors for the first plant ship within thirty days of signature.\n"
        "Dana Reyes: Implementation starts the day after signature.\n"
        "Dana Reyes: And the eighteen percent discount holds if you sign by December 19.\n"
    )
    assert got == dict.fromkeys(
        [
            "Sensors for the first plant ship within thirty days of signature.",
            "Implementation starts the day after signature.",
            "And the eighteen percent discount holds if you sign by December 19.",
        ]
    )


def test_standard_product_behaviour_is_a_description_unless_it_grants_a_term() -> None:
    got = promised(
        "Dana Reyes: We'll back up your data every night, automatically.\n"
        "Dana Reyes: We will encrypt everything at rest by default.\n"
        "Dana Reyes: We'll send renewal reminders, like we do for every customer.\n"
        "Dana Reyes: Premium support is included as standard, at no cost for the first year.\n"
        "Dana Reyes: We'll send you the data export by Friday.\n"
    )
    assert got == {
        "Premium support is included as standard, at no cost for the first year.": None,
        "We'll send you the data export by Friday.": date(2026, 11, 20),
    }
