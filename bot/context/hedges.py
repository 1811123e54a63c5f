"""What sounds like a seller promise but is not one (promises.py asks these first).

- A hedge: "might", "probably", "no promises", "let me check", "I'd have to", "I think we can",
  "we can usually": the seller keeps the option open.
- Call logistics: "I'll share my screen", "I'll cover architecture", "I'll give you ten minutes
  back", "I'm going to ask a lot of questions": about the meeting, not a deliverable.
- Our own bookkeeping: "I'll update the CRM", "I'll log it in Salesforce", "I'll add a note to
  the opp": an internal to-do, delivered to no customer.
- An offer: "we can" is an option put to the customer, not a promise, when it hangs on the
  customer's choice ("At three years we can do sixty-eight", "we can do five-minute syncs on
  the enterprise plan") or only introduces one ("The other thing I can do is the fee"). "We
  will waive the fee if you sign" still binds: "will" is a promise on a condition, "can" an
  offer. A plain "we can put that in the DPA" is agreement to a request, and binds.
- A retraction: the speaker takes it back in the same turn before promising anything else
  ("I'll get you the proposal by Friday. Oh, wait, Friday's the holiday."; "I can get you the
  SOC report today, actually, hold on. Let me not promise that."), or disclaims it right after
  ("I'll raise it internally but I can't promise anything on that one"; "I'll take it back.
  No promises."); a disclaimer naming something else ("I can't commit to the pen test")
  leaves the promise standing. A withdrawal later in the call is promise_talk.py's.
- Nothing delivered: a role ("I'll be handling the sandbox"), an assurance ("we're going to
  take good care of you"), accepting something ("Ha, I'll take it."), considering something
  ("we'll look at it", "we can look into that"), an option ("we could also include ...").
- Standard product behaviour: what we do for every customer ("we'll back up your data daily,
  automatically", "we encrypt everything at rest by default", "that's our standard process")
  describes the product; it binds only when it grants a term ("is included at no cost").
"""

from __future__ import annotations

import re

HEDGE = re.compile(
    r"\b(?:might|may be able|maybe|perhaps|possibly|probably|not sure|no promises?|"
    r"can't (?:promise|commit|confirm)|cannot (?:promise|commit|confirm)|don't hold me|"
    r"I'd have to|I'd need to|I would have to|we'd have to|let me (?:check|find out|look into|"
    r"double-check|see|confirm|circle back)|before I (?:say yes|promise)|hopefully|ideally|"
    r"on the roadmap|hate to promise|"
    r"thinking about|I believe|not a promise|no commitment|depends on|I don't think|"
    r"I'm not sure|could probably|we could maybe|I think (?:we|I) (?:could|can)|try to|trying to|"
    r"(?:I|we) (?:can't|cannot|won't|will not)\b|I hope|hopeful|should be able|aim to|"
    r"(?:we|I) (?:can|could|will|would) (?:usually|typically|normally|generally)|"
    r"(?:I'll|we'll|we will|I will) (?:see|figure|talk|need|have to|want|try|aim|cross|"
    r"find out|think about|consider|discuss)|"
    r"(?:I'll|we'll|I will|we will|we can|I can) (?:take a |have a )?look (?:at|into)|"
    r"(?:we|I) could\b(?! not)|"
    r"(?:is|are|was|were|it's|that's)(?:n't| not) something (?:I|we) can)\b",
    re.IGNORECASE,
)
LOGISTICS = re.compile(
    r"\b(?:I'll|I will|I'm going to|we're going to|let me|[A-Z][a-z]+ will) "
    r"(?:just |quickly |mostly |go ahead and )?(?:stop sharing|(?:be )?listen(?:ing)?|"
    r"share (?:my|the) screen|let you|be (?:blunt|quick|brief|honest)|"
    r"keep (?:it|this|things) (?:short|tight|brief|quick)|"
    r"pass|hand (?:it )?over|jump|drop|watch|ping|see you|talk to you|admit|wait|start|"
    r"record (?:this|the (?:call|meeting|session|demo)|our (?:call|conversation))|"
    r"take notes|grab|mute|show|click|walk (?:you )?through|drive|pull up|tell you|say|"
    r"give you an example|explain|answer that|come back to that|skip|switch|scroll|open|"
    r"turn it over|stop there|wrap up|leave it|cover|"
    r"ask (?:for|you|a lot|a few|some|questions|lots)|"
    r"(?:give|get) you (?:\w+ ){0,3}(?:minutes|time) back)\b|"
    r"\bI'll be (?:your|the|on)\b(?![^.]*\b(?:through|until|till)\b)|"
    r"\b(?:update|log \w+ in|add (?:it|this|that|a note) to) (?:the |our )?(?:CRM|Salesforce|"
    r"HubSpot|opp(?:ortunity)?|deal record|forecast|pipeline|call notes)\b(?!\s+and\b)|"
    r"\bhere's what (?:I|we)(?: can|'ll| will|'re going to| are going to) do\b",
    re.IGNORECASE,
)
_CAN = re.compile(r"\b(?:we|I) can\b", re.IGNORECASE)
_OFFER_PREAMBLE = re.compile(
    r"\b(?:what|thing|things|option|options)\s+(?:I|we)\s+can\b", re.IGNORECASE
)
_CUSTOMER_CHOICE = re.compile(
    r"\b(?:if you\b|at (?:a |an )?(?:\w+[- ])?(?:years?|seats?|agents?|users?|licenses?)\b|"
    r"on (?:the|a|an) (?:[\w-]+ ){0,2}(?:plan|tier|edition|term|package|contract|deal)\b|"
    r"with (?:the|a|an) (?:[\w-]+ ){0,2}(?:plan|tier|edition|term|commitment)\b)",
    re.IGNORECASE,
)
# the speaker's role, an assurance, accepting something: nothing is delivered to the customer
NOTHING_DELIVERED = re.compile(
    r"\b(?:I'll|I will) be (?:handling|owning|overseeing|looking after|managing|coordinating|"
    r"leading)\b|\btake (?:good |great |really good )?care of you\b|\blook after you\b|"
    r"\bhave your back\b|\b(?:I'll|we'll) take (?:it|that)(?=[\s.,!?]*$)",
    re.IGNORECASE,
)
# what the product does for everyone: a description, not a promise to this customer
STANDARD = re.compile(
    r"\b(?:automatically|by default|out of the box|as standard|(?:our|the) standard "
    r"(?:process|practice|policy|terms|SLA)|(?:that's|it's|that is) standard|"
    r"for (?:every|all (?:of )?our|all) customers?|"
    r"(?:like|as) we do for (?:everyone|every customer|all customers))\b",
    re.IGNORECASE,
)
# said right after a promise, about it: "..., but I can't promise anything on that one"
DISCLAIMER = re.compile(
    r"\bno promises\b|\b(?:can't|cannot|won't) (?:promise|commit|agree|confirm|guarantee)"
    r"(?: to)?(?: (?:anything|that|it|this))?(?=\s*(?:[.,;!?]|$|on (?:that|this)|today|yet|"
    r"right now|on this call))",
    re.IGNORECASE,
)
RETRACTION = re.compile(
    r"(?:^|[,;:\u2014\u2013-]\s*|\b(?:oh|actually|no|but|um|uh),?\s+)(?:wait|hold on|hang on)\b|"
    r"\b(?:scratch that|strike that|let me not (?:promise|commit)|I take that back|never ?mind|"
    r"on second thought|actually,? no|I shouldn't (?:promise|say that))\b",
    re.IGNORECASE,
)


def is_hedged(clause: str) -> bool:
    return bool(HEDGE.search(clause))


def is_logistics(clause: str) -> bool:
    return bool(LOGISTICS.search(clause))


def delivers_nothing(clause: str) -> bool:
    return bool(NOTHING_DELIVERED.search(clause))


def describes_the_product(clause: str) -> bool:
    """Standard behaviour (see the module docstring); promises.py lets a granted term through."""
    return bool(STANDARD.search(clause))


def is_disclaimed(after: str) -> bool:
    """`after`: the rest of the promise's sentence and the sentence after it in the turn."""
    return bool(DISCLAIMER.search(after))


def is_offer(clause: str, *, binding: re.Match[str] | None) -> bool:
    """A "can" that is an option put to the customer (see the module docstring)."""
    if binding is None or not _CAN.search(binding.group(0)):
        return False
    return bool(_OFFER_PREAMBLE.search(clause) or _CUSTOMER_CHOICE.search(clause))


def is_retracted(after: str) -> bool:
    """`after`: what the speaker said after the promise, up to their next promise."""
    return bool(RETRACTION.search(after))
