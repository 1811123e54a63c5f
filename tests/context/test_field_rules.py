"""Use case, success metrics, risks and timeline on small crafted snippets."""

from __future__ import annotations

from datetime import date

from bot.context.builtin import BuiltinExtractor
from bot.context.model import ExtractionTargets, FieldSuggestion, Source
from bot.context.quotes import quote_in_source
from bot.context.transcripts import parse_transcript

FEB_10 = Source(kind="call", occurred_at=date(2026, 2, 10))
SELLER = BuiltinExtractor(seller_names=["Dana Reyes"], seller_company="Acme")


def field(text: str, key: str) -> list[FieldSuggestion]:
    transcript = parse_transcript(text)
    got = SELLER.extract(transcript, source=FEB_10, targets=ExtractionTargets())
    assert all(quote_in_source(s.quote, transcript) for s in got.fields[key])
    return list(got.fields[key])


def quotes(text: str, key: str) -> list[str]:
    return [s.quote for s in field(text, key)]


def test_a_use_case_announced_in_one_sentence_is_quoted_with_the_next() -> None:
    assert quotes(
        "Gary Pike: What we need is simple. Get dispatch off the whiteboard and invoices into "
        "QuickBooks. Anyway.\n",
        "primary_use_case",
    ) == ["What we need is simple. Get dispatch off the whiteboard and invoices into QuickBooks."]


def test_use_case_phrasings_and_a_sellers_restatement() -> None:
    assert quotes(
        "Sam Lee: What we want is to get rid of the spreadsheet roll-up.\n"
        "Nate Cole: So, the whole point is to get all our channels into one queue.\n"
        "Dana Reyes: So the goal, correct me if I'm wrong, is to replace the Airflow pipelines.\n"
        "Dana Reyes: Our goal is to make this the best demo you have seen.\n"
        "Nate Cole: The goal is to get that to four days or less.\n",
        "primary_use_case",
    ) == [
        "What we want is to get rid of the spreadsheet roll-up.",
        "So, the whole point is to get all our channels into one queue.",
        "So the goal, correct me if I'm wrong, is to replace the Airflow pipelines.",
    ]


def test_a_metric_is_its_target_with_the_baseline_before_it() -> None:
    assert quotes(
        "Sam Lee: Manager time. Each manager spends about six hours a week on forecast prep. "
        "I want that down to one hour.\n"
        "Nate Cole: CSAT, we're at eighty-two, I want ninety by end of next year.\n"
        "Nate Cole: We're doing fourteen thousand invoices a month.\n"
        "Nate Cole: We have 40 people on the team.\n"
        "Nate Cole: Customer service says 60 percent of inbound calls are about tracking.\n",
        "success_metrics",
    ) == [
        "Each manager spends about six hours a week on forecast prep. "
        "I want that down to one hour.",
        "CSAT, we're at eighty-two, I want ninety by end of next year.",
    ]


def test_prices_side_effects_and_other_customers_are_not_metrics() -> None:
    assert (
        quotes(
            "Nate Cole: We budgeted closer to $60 per seat, I want it under that.\n"
            "Tom Keegan: We close in eight business days and I'd love to get that down, but "
            "that's more of a side effect.\n"
            "Dana Reyes: Customers like Summit Trail cut response time 40 percent, they love it.\n",
            "success_metrics",
        )
        == []
    )


def test_worries_are_quoted_with_what_they_point_at_and_merged_per_stretch() -> None:
    assert quotes(
        "Alicia Chen: That's my worry. Our Salesforce is not pretty. Close dates are stale. "
        "We have custom stages that nobody understands.\n"
        "Dana Reyes: No worries, that's very normal. I get the concern.\n"
        "Tom Keegan: There's gonna be pushback from the clerks, I'm just being honest.\n",
        "risks",
    ) == [
        "That's my worry. Our Salesforce is not pretty. Close dates are stale. "
        "We have custom stages that nobody understands.",
        "There's gonna be pushback from the clerks, I'm just being honest.",
    ]


def test_an_organisations_requirement_left_uncommitted_is_a_risk_a_feature_ask_is_not() -> None:
    got = field(
        "Luis Ortega: Do you have it in Spanish? A third of my guys would rather have it.\n"
        "Dana Reyes: It's in beta. We may be able to get you on it, but I don't want to promise "
        "that.\n"
        "Luis Ortega: Can you throw in the AI add-on for free?\n"
        "Dana Reyes: I'd have to check, no promises.\n"
        "Rachel Osei: Our legal team requires our own paper. Can you sign ours?\n"
        "Dana Reyes: We generally prefer ours. Send it over and we'll see what legal says.\n",
        "risks",
    )
    assert [s.quote for s in got] == [
        "We generally prefer ours. Send it over and we'll see what legal says."
    ]
    assert got[0].value == (
        "Our legal team requires our own paper. Can you sign ours? (no commitment given)"
    )


def test_a_date_that_cannot_move_and_a_competing_evaluation_are_risks() -> None:
    assert quotes(
        "Rachel Osei: If it's not in that packet, it waits a quarter.\n"
        "Erin Walsh: We're looking at you and two others.\n"
        "Nate Cole: We've got a quote from someone else that's lower than that.\n",
        "risks",
    ) == [
        "If it's not in that packet, it waits a quarter.",
        "We're looking at you and two others.",
        "We've got a quote from someone else that's lower than that.",
    ]


def test_timeline_milestones_take_their_nearest_date() -> None:
    got = field(
        "Tanya Wells: Dates we agreed: workbook back by April 24, first parallel run June 12, "
        "go-live for the July 1 payroll.\n"
        "Erin Walsh: We want to pick a vendor by the end of Q1.\n"
        "Sam Lee: Board meeting is February nineteenth.\n"
        "Priscilla Yuen: Budget has to be committed by January thirty-first.\n",
        "customer_timeline",
    )
    assert [s.value for s in got] == ["2026-07-01", "2026-03-31", "2026-02-19", "2027-01-31"]


def test_answers_to_a_timing_question_are_milestones() -> None:
    got = field(
        "Dana Reyes: So, timeline. You said April?\n"
        "Gary Pike: April first. Spring cooling season.\n"
        "Dana Reyes: And what else is going on?\n"
        "Gary Pike: March first is my kid's birthday.\n",
        "customer_timeline",
    )
    assert [s.value for s in got] == ["2026-04-01"]


def test_not_timeline_past_dates_period_starts_today_and_their_own_todos() -> None:
    assert (
        field(
            "Marco Ruiz: Chris built them and Chris left in March, before the launch.\n"
            "Greg Hall: Anything we sign after February 15 lands in next year's budget.\n"
            "Colin Reyes: Customers sign on the tablet today.\n"
            "Priscilla Yuen: I'll get our MSA redlines back to you by next Wednesday.\n"
            "Nate Cole: Our fiscal year end is the deadline.\n",
            "customer_timeline",
        )
        == []
    )


def test_the_customers_fiscal_year_resolves_their_fiscal_deadline() -> None:
    got = field(
        "Erin Walsh: Our fiscal year starts July first, so that's the hard date.\n"
        "Erin Walsh: And budget has to be committed by the end of fiscal Q2.\n",
        "customer_timeline",
    )
    assert [s.value for s in got] == ["2026-07-01", "2026-12-31"]


def test_a_baseline_with_a_unit_says_what_a_target_measures() -> None:
    assert quotes(
        "Beth Carver: Right now reimbursements take about twelve days on average. "
        "I'd like that under five.\n",
        "success_metrics",
    ) == ["Right now reimbursements take about twelve days on average. I'd like that under five."]


def test_a_restated_goal_with_a_colon_and_a_requirement_the_seller_must_check() -> None:
    slack = Source(kind="slack", occurred_at=date(2026, 5, 11))
    transcript = parse_transcript(
        '[{"speaker": "Nadia Ross", "text": "Their main goal: replace spreadsheets for dock '
        'scheduling."}]'
    )
    got = SELLER.extract(transcript, source=slack, targets=ExtractionTargets())
    assert [s.quote for s in got.fields["primary_use_case"]] == [
        "Their main goal: replace spreadsheets for dock scheduling."
    ]
    risks = field(
        "Raj Iyer: Our security team requires multiple legal entities.\n"
        "Dana Reyes: Multi-entity is partially there. I'd want to check with product first.\n"
        "Priya Menon: We have thirty thousand tickets and I can't lose the history.\n",
        "risks",
    )
    assert [s.quote for s in risks] == [
        "Multi-entity is partially there. I'd want to check with product first.",
        "We have thirty thousand tickets and I can't lose the history.",
    ]


def test_only_the_first_sentence_of_a_timing_answer_is_dated_without_a_milestone_word() -> None:
    got = field(
        "Dana Reyes: And what's the timeline on your side?\n"
        "Beth Carver: We need to be live by October 31st. Open enrollment hits in November.\n"
        "Raj Iyer: Our contract with the current vendor expires on December 15.\n",
        "customer_timeline",
    )
    assert [s.value for s in got] == ["2026-10-31", "2026-12-15"]


def test_use_case_phrasings_from_fresh_calls() -> None:
    assert quotes(
        "Grace Okafor: Our finance team wants your product for account reconciliations.\n"
        "Kate Brennan: For context, we're using Acme to deflect order-status tickets.\n"
        "Jenna Fairbanks: We want every lease and vendor contract in one repository.\n"
        "Klaus Reinholt: The main thing for us is monitoring energy per press.\n"
        "Shelby Dukes: We want the crew leads doing their logs on their phones instead of on "
        "clipboards.\n",
        "primary_use_case",
    ) == [
        "Our finance team wants your product for account reconciliations.",
        "For context, we're using Acme to deflect order-status tickets.",
        "We want every lease and vendor contract in one repository.",
        "The main thing for us is monitoring energy per press.",
        "We want the crew leads doing their logs on their phones instead of on clipboards.",
    ]


def test_a_goal_that_is_a_number_or_a_date_is_not_the_use_case() -> None:
    assert (
        quotes(
            "Kate Brennan: The goal is forty percent deflection within six months of go-live.\n"
            "Jenna Fairbanks: And we'd like to go live March 16 so new contracts start there.\n",
            "primary_use_case",
        )
        == []
    )


def test_the_customer_confirming_a_restatement_in_their_own_words_replaces_it() -> None:
    assert quotes(
        "Dana Reyes: So, primarily, and tell me if I've got this wrong, you're using Acme to "
        "onboard frontline staff on their phones.\n"
        "Bronwyn Kelly: That's exactly it. Mobile-first training for frontline staff across all "
        "fourteen properties.\n"
        "Dana Reyes: So if I play it back, the goal is getting all wards onto one system.\n"
        "Harriet Cole: Yes. That's it. One rostering system for every ward, filled from our own "
        "staff.\n",
        "primary_use_case",
    ) == [
        "Mobile-first training for frontline staff across all fourteen properties.",
        "One rostering system for every ward, filled from our own staff.",
    ]


def test_metric_phrasings_from_fresh_calls() -> None:
    assert quotes(
        "Tony Salerno: Twelve percent reduction in energy cost per kilogram of resin.\n"
        "Megan Frye: And unplanned downtime on the presses down twenty-five percent.\n"
        "Marcus Bell: I'd want callbacks down thirty percent.\n"
        "Kate Brennan: CSAT we just need to not break. It's 4.6 today, it needs to stay above "
        "4.5.\n"
        "Derek Lind: They want month-end close down from ten business days to five.\n"
        "Jenna Fairbanks: Also zero missed auto-renewals.\n"
        "Kate Brennan: And first response time under one minute on chat.\n"
        "Luis Ortega: It came out around eleven fifty an invoice, and we want it under four "
        "dollars.\n",
        "success_metrics",
    ) == [
        "Twelve percent reduction in energy cost per kilogram of resin.",
        "And unplanned downtime on the presses down twenty-five percent.",
        "I'd want callbacks down thirty percent.",
        "It's 4.6 today, it needs to stay above 4.5.",
        "They want month-end close down from ten business days to five.",
        "Also zero missed auto-renewals.",
        "And first response time under one minute on chat.",
        "It came out around eleven fifty an invoice, and we want it under four dollars.",
    ]


def test_a_result_already_reached_is_not_a_target_a_hypothetical_one_is() -> None:
    assert quotes(
        "Kate Brennan: The pilot got us to thirty-one percent deflection in four weeks.\n"
        "Dana Reyes: Northgate got their agency spend down by twenty-six percent.\n"
        "Tom Okafor: If we got to, like, 90% auto-matched I'd be thrilled.\n",
        "success_metrics",
    ) == ["If we got to, like, 90% auto-matched I'd be thrilled."]


def test_risk_phrasings_from_fresh_calls() -> None:
    assert quotes(
        "Diane Whitcomb: She's supportive but she froze new software spend until the board "
        "meeting.\n"
        "Megan Frye: IT approval on the gateways is the other thing that could slow us down.\n"
        "Wade Tillman: So we need crews trained before April 6th or it's gonna wait till fall.\n"
        "Rohan Menon: Our CFO will not sign above one million for this category.\n"
        "Wade Tillman: Getting them to use an app is gonna be the hardest part.\n",
        "risks",
    ) == [
        "She's supportive but she froze new software spend until the board meeting.",
        "IT approval on the gateways is the other thing that could slow us down.",
        "So we need crews trained before April 6th or it's gonna wait till fall.",
        "Our CFO will not sign above one million for this category.",
        "Getting them to use an app is gonna be the hardest part.",
    ]


def test_risk_in_a_name_a_request_to_note_it_and_a_sellers_echo_are_not_risks() -> None:
    assert quotes(
        "Paula Reyes: And Paula Reyes, vendor risk analyst.\n"
        "Grace Okafor: Any vendor goes to our vendor risk committee. Tim signs the risk "
        "assessment.\n"
        "Derek Lind: Getting the export job set up is a risk.\n"
        "Grace Okafor: Put that down as a risk, Paula.\n"
        "Dana Reyes: So budget's a risk too.\n"
        "Dana Reyes: Honestly I'd flag the old clocks at two clinics as a risk.\n",
        "risks",
    ) == [
        "Getting the export job set up is a risk.",
        "Honestly I'd flag the old clocks at two clinics as a risk.",
    ]


def test_the_customer_taking_a_proposed_milestone_date_and_a_pilot_are_on_the_timeline() -> None:
    got = field(
        "Dana Reyes: I'll schedule the kickoff for Wednesday, April eighth. Megan, does that "
        "work?\n"
        "Megan Frye: April 8 works. Mornings are better.\n"
        "Dana Reyes: Can we do a quick call Friday?\n"
        "Megan Frye: Friday works.\n"
        "Harriet Cole: We'd want a pilot running on two wards by the end of Q1.\n"
        "Kate Brennan: The pilot got us to thirty percent in four weeks.\n",
        "customer_timeline",
    )
    assert [s.value for s in got] == ["2026-04-08", "2026-03-31"]


def test_an_answer_to_a_restatement_that_does_not_confirm_it_replaces_nothing() -> None:
    assert quotes(
        "Dana Reyes: So the goal, correct me if I'm wrong, is to replace the Airflow pipelines.\n"
        "Sam Lee: Right now it takes us twelve days to close. Mostly spreadsheets and a shared "
        "inbox.\n",
        "primary_use_case",
    ) == ["So the goal, correct me if I'm wrong, is to replace the Airflow pipelines."]
