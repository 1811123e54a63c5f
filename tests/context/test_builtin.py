"""The built-in extractor on small crafted snippets."""

from __future__ import annotations

from datetime import date

from bot.context.builtin import BuiltinExtractor
from bot.context.model import Extraction, ExtractionTargets, Source
from bot.context.quotes import quote_in_source
from bot.context.transcripts import parse_transcript

NOV_10 = Source(kind="call", title="Discovery", occurred_at=date(2026, 11, 10))
SELLER = BuiltinExtractor(seller_names=["Dana Reyes"], seller_domains=["acme.io"])


def run(text: str, *, source: Source = NOV_10, extractor: BuiltinExtractor = SELLER) -> Extraction:
    return extractor.extract(parse_transcript(text), source=source, targets=ExtractionTargets())


def test_a_definite_seller_promise_is_a_commitment_with_its_due_date() -> None:
    got = run(
        "[00:10:00] Dana Reyes: We'll have SSO live by January 15.\n[00:10:09] Raj Patel: Great.\n"
    )
    (commitment,) = got.commitments
    assert commitment.due == date(2027, 1, 15)
    assert commitment.quote == "We'll have SSO live by January 15."
    assert (commitment.by, commitment.at) == ("Dana Reyes", "00:10:00")
    assert commitment.text == "Have SSO live by January 15"


def test_hedged_statements_are_not_commitments() -> None:
    got = run(
        "Dana Reyes: We might be able to add a sandbox later.\n"
        "Dana Reyes: I think we could probably do a pilot, no promises.\n"
        "Dana Reyes: Let me check with product before I promise anything.\n"
        "Dana Reyes: SCIM is on the roadmap but I can't commit to a date.\n"
        "Raj Patel: OK.\n"
    )
    assert got.commitments == ()


def test_a_customer_request_or_promise_is_not_a_seller_commitment() -> None:
    got = run(
        "Raj Patel: Can you include the sandbox at no cost?\n"
        "Raj Patel: I'll send you our W-9 by Friday.\n"
        "Dana Reyes: Let me check with my manager on the sandbox.\n"
    )
    assert got.commitments == ()


def test_terms_onboarding_and_conditional_dates() -> None:
    got = run(
        "Dana Reyes: Onboarding includes two training sessions at no cost.\n"
        "Dana Reyes: If you sign by November 20, we'll waive the implementation fee.\n"
        "Dana Reyes: Your CSM will have a project plan within 30 days of signature.\n"
        "Raj Patel: Sounds good.\n"
    )
    dues = {c.quote: c.due for c in got.commitments}
    assert dues == {
        "Onboarding includes two training sessions at no cost.": None,
        "If you sign by November 20, we'll waive the implementation fee.": None,
        "Your CSM will have a project plan within 30 days of signature.": None,
    }


def test_two_promises_in_one_sentence_are_two_commitments() -> None:
    got = run(
        "Dana Reyes: I'll send the recap by Friday, and I'll set up the SE session for next week."
    )
    assert [(c.quote, c.due) for c in got.commitments] == [
        ("I'll send the recap by Friday", date(2026, 11, 13)),
        ("and I'll set up the SE session for next week.", date(2026, 11, 20)),
    ]


def test_agreeing_to_the_customers_date_takes_that_date() -> None:
    got = run("Raj Patel: We need to be live by the end of Q1.\nDana Reyes: End of Q1 is doable.\n")
    (commitment,) = got.commitments
    assert commitment.due == date(2027, 3, 31)


def test_demo_narration_is_not_a_commitment() -> None:
    got = run(
        "Dana Reyes: I'll share my screen. I'll show you the dashboard first.\n"
        "Dana Reyes: I'll walk you through the routing next. I'll let you go.\n"
        "Raj Patel: Thanks.\n"
    )
    assert got.commitments == ()


def test_stakeholders_with_titles_emails_and_sides() -> None:
    got = run(
        "Dana Reyes: Hi all, I'm Dana Reyes, account executive at Acme. Reach me at dana@acme.io.\n"
        "Raj Patel: I'm Raj Patel, the IT director. Our CFO, Mei Tan, will sign.\n"
        "Raj Patel: My old boss, Greg Lane, hated these tools. Send it to raj.patel@globex.com.\n"
        "Dana Reyes: Looping in Sam Cole, our solutions engineer.\n"
    )
    people = {p.name: (p.title, p.email, p.side) for p in got.stakeholders}
    assert people == {
        "Dana Reyes": ("account executive", "dana@acme.io", "seller"),
        "Raj Patel": ("IT director", "raj.patel@globex.com", "customer"),
        "Mei Tan": ("CFO", None, "customer"),
        "Sam Cole": ("solutions engineer", None, "seller"),
    }
    contacts = [s.value for s in got.fields["decision_makers"]]
    assert contacts == ["Raj Patel, IT director <raj.patel@globex.com>", "Mei Tan, CFO"]


def test_sides_without_hints_come_from_what_people_say() -> None:
    got = run(
        "Ann Lowe: Our main goal is to cut close time from 10 days to 3.\n"
        "Bo Chen: Our platform does that. Onboarding includes two trainings at no cost.\n",
        extractor=BuiltinExtractor(),
    )
    sides = {p.name: p.side for p in got.stakeholders}
    assert sides == {"Ann Lowe": "customer", "Bo Chen": "seller"}
    assert [c.by for c in got.commitments] == ["Bo Chen"]


def test_fields_metrics_use_case_risks_timeline_recordings() -> None:
    got = run(
        "[00:01:00] Raj Patel: We're looking to automate bank reconciliation.\n"
        "[00:01:10] Raj Patel: Our goal is to reduce churn by 15% this year.\n"
        "[00:01:20] Raj Patel: We have 40 people on the team.\n"
        "[00:01:30] Raj Patel: My concern is the ERP integration.\n"
        "[00:01:40] Raj Patel: We want to go live by early March.\n"
        "[00:01:50] Dana Reyes: Recording is at https://acme.gong.io/call?id=42.\n"
        "[00:02:00] Dana Reyes: No worries at all.\n"
    )
    f = got.fields
    assert [s.quote for s in f["primary_use_case"]] == [
        "We're looking to automate bank reconciliation.",
        "Our goal is to reduce churn by 15% this year.",  # a goal is a use case and a metric
    ]
    assert [s.quote for s in f["success_metrics"]] == [
        "Our goal is to reduce churn by 15% this year."
    ]
    assert [s.quote for s in f["risks"]] == ["My concern is the ERP integration."]
    assert [(s.value, s.at) for s in f["customer_timeline"]] == [("2027-03-10", "00:01:40")]
    assert [s.value for s in f["call_recordings"]] == ["https://acme.gong.io/call?id=42"]


def test_every_quote_is_verbatim_in_the_source_and_duplicates_are_dropped() -> None:
    text = (
        "Dana Reyes: We'll send the SOC 2 report today.\n"
        "Raj Patel: Thanks.\n"
        "Dana Reyes: We'll send the SOC 2 report today.\n"
    )
    transcript = parse_transcript(text)
    got = SELLER.extract(transcript, source=NOV_10, targets=ExtractionTargets())
    assert len(got.commitments) == 1
    quotes = [c.quote for c in got.commitments] + [p.quote for p in got.stakeholders]
    quotes += [s.quote for items in got.fields.values() for s in items]
    assert all(quote_in_source(q, transcript) for q in quotes)


def test_slack_messages_have_no_offsets_and_posters_default_to_seller() -> None:
    slack = Source(kind="slack", occurred_at=date(2026, 11, 24))
    got = run(
        '[{"speaker": "Marcus Bell", "text": "I\'ll send Elena the kickoff invite tomorrow."}]',
        source=slack,
        extractor=BuiltinExtractor(),
    )
    (commitment,) = got.commitments
    assert (commitment.due, commitment.at) == (date(2026, 11, 25), None)


def test_without_a_call_date_nothing_relative_is_resolved() -> None:
    got = run("Dana Reyes: I'll send the plan by Friday.", source=Source())
    assert [c.due for c in got.commitments] == [None]


def test_targets_choose_the_keys_and_none_skips_a_kind() -> None:
    targets = ExtractionTargets(commitments="promises", risks=None, stakeholders=None)
    transcript = parse_transcript("Dana Reyes: We'll have SSO live by January 15. My worry is IT.")
    got = SELLER.extract(transcript, source=NOV_10, targets=targets)
    assert "promises" in got.fields and "risks" not in got.fields
    assert "decision_makers" not in got.fields and got.stakeholders == ()
    assert set(got.to_json()) == {"fields", "stakeholders", "commitments"}
    assert got.to_json()["commitments"][0] == {
        "text": "Have SSO live by January 15",
        "by": "Dana Reyes",
        "due": "2027-01-15",
        "quote": "We'll have SSO live by January 15.",
        "at": None,
    }
    assert got.extractor == "builtin"
