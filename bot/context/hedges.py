"""What sounds like a seller promise but is not one (promises.py asks these first).

- A hedge: "might", "probably", "no promises", "let me check", "I'd have to", "I think we can",
  "we can usually": the seller keeps the option open.
- Call logistics: "I'll share my screen", "I'll cover architecture", "I'll give you ten minutes
  back", "I'm going to ask a lot of questions", "we'll record it", "we'll come back to that":
  about the meeting in progress, not a deliverable. A walk-through or a demo set for a later
  occasion ("I'll walk you through it at kickoff", "Luis and I will walk you through the demo
  on Tuesday the 11th") is a session we owe, not logistics; "next time" names no occasion.
- Asking someone first: "I'll ask our controller, but I honestly don't know if he'll go for
  net 60", "I'll check with product": the answer is not ours to give yet (a hedge).
- Our own bookkeeping: "I'll update the CRM", "I'll log it in Salesforce", "I'll add a note to
  the opp": an internal to-do, delivered to no customer.
- An offer at the customer's wish, whatever its verb: "If it helps, we can do a second demo",
  "happy to send over a reference", "I'll send the case studies, if that helps".
- An offer: "we can" is an option put to the customer, not a promise, when it hangs on the
  customer's choice ("At three years we can do sixty-eight", "we can do five-minute syncs on
  the enterprise plan"), only introduces one ("The other thing I can do is the fee") or states
  a limit ("Three is the most we can do right now"). "We
  will waive the fee if you sign" still binds: "will" is a promise on a condition, "can" an
  offer. A plain "we can put that in the DPA" is agreement to a request, and binds.
- A capability: a "we can" that delivers to no one ("We can set the threshold per account, so
  supplies variance over ten percent gets flagged") says what the product does; "we can record
  the training sessions so you can reuse them", "Yes, we can configure the connector as
  read-only", "We can do net 60." and a term bind.
- A retraction: the speaker takes it back in the same turn before promising anything else
  ("I'll get you the proposal by Friday. Oh, wait, Friday's the holiday."; "I can get you the
  SOC report today, actually, hold on. Let me not promise that."), or disclaims it right after
  ("I'll raise it internally but I can't promise anything on that one"; "I'll take it back.
  No promises."); a disclaimer naming something else ("I can't commit to the pen test")
  leaves the promise standing. A withdrawal later in the call is promise_talk.py's.
- Nothing delivered: a role or an activity said in the future progressive ("I'll be handling
  the sandbox", "I'll be covering architecture", "mostly I'll be taking notes", "I'm going to
  be your CSM"), an assurance ("we're going to take good care of you"), accepting something
  ("Ha, I'll take it."), considering something ("we'll look at it", "we can look into that"),
  an option ("we could also include ..."), adapting to the customer ("we'll plan around it"),
  a reassurance ("we'll make sure you're successful", "every step of the way", "we'll make it
  work", "we'll be there for you"), keeping notes or passing things on inside our company
  ("I'll make a note of that", "I'll let my team know", "I'll mention it to our engineers",
  "we'll get our heads together internally": no "you" in it).
- The meeting in progress, whoever speaks for it: its agenda and clock ("we'll get into
  pricing in a minute", "we'll take questions at the end", "I'll kick things off").
- A self-introduction: a sentence in which the speaker gives their name or their title
  ("I'm Victor Ramos, I'm going to be your customer success manager.", "Hey all, Tomás Arias,
  I'm a principal solutions architect, I'll be covering architecture", "I'm still your account
  executive through signature, and then you'll get a customer success manager") says who they
  are, not what they will deliver.
- Standard product behaviour: what we do for every customer ("we'll back up your data daily,
  automatically", "we encrypt everything at rest by default", "that's our standard process",
  "that's how the connector works")
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
    r"find out|think about|consider|discuss|ask|check)\b|"
    r"(?:I|we) (?:honestly |really |just )?(?:don't|do not) know (?:if|whether|yet)|"
    r"(?:I'll|we'll|I will|we will|we can|I can) (?:take a |have a )?look (?:at|into)|"
    r"(?:take|have) a (?:quick |closer )?look\b|"
    r"(?:we|I) could\b(?! not)|do (?:my|our) (?:best|utmost)|best effort|"
    r"(?:whatever|everything|all) (?:I|we) can\b|run (?:it|that|this|them) (?:past|by)|"
    r"(?:typically|usually|normally|generally),? (?:we|I|it|you)\b|"
    r"(?:is|are|was|were|it's|that's)(?:n't| not) something (?:I|we) can)\b",
    re.IGNORECASE,
)
LOGISTICS = re.compile(
    r"\b(?:I'll|I will|I'm going to|we're going to|let me|[A-Z][a-z]+ will) "
    r"(?:just |quickly |mostly |go ahead and )?(?:stop sharing|(?:be )?listen(?:ing)?|"
    r"share (?:my|the) screen|let you|be (?:blunt|quick|brief|honest)|"
    r"keep (?:it|this|things) (?:short|tight|brief|quick)|"
    r"pass|hand (?:it )?over|jump|drop(?! (?:\w+ ){0,5}(?:in|into|to) your\b)|watch|ping|"
    r"see you|talk to you|admit|wait|start|"
    r"record (?:this|the (?:call|meeting|session|demo)|our (?:call|conversation))|"
    r"take notes|grab|mute|show|click|walk (?:you )?through|drive|pull up|tell you|say|"
    r"give you an example|explain|answer that|come back to that|skip|switch|scroll|open|"
    r"turn it over|stop there|wrap up|leave it|cover|"
    r"ask (?:for|you|a lot|a few|some|questions|lots)|"
    r"(?:give|get) you (?:\w+ ){0,3}(?:minutes|time) back)\b|"
    r"\b(?:we'll|we will) (?:record (?:it|this|the call)|"
    r"(?:come|circle) back to (?:that|this|it))\b|"
    r"\bI'll be (?:your|the|on)\b(?![^.]*\b(?:through|until|till)\b)|"
    r"\b(?:update|log \w+ in|add (?:it|this|that|a note) to) (?:the |our )?(?:CRM|Salesforce|"
    r"HubSpot|opp(?:ortunity)?|deal record|forecast|pipeline|call notes)\b(?!\s+and\b)|"
    r"\bhere's what (?:I|we)(?: can|'ll| will|'re going to| are going to) do\b",
    re.IGNORECASE,
)
# the meeting in progress, whoever speaks for it: its agenda, its topics, its clock
MEETING = re.compile(
    r"\b(?:I'll|I will|we'll|we will|I'm going to|we're going to|let me|let's) (?:just |quickly |"
    r"then |now |first |briefly )?(?:keep (?:it|this|things) "
    r"(?:to|under|short|brief|tight|light|simple|quick|informal)|"
    r"take (?:questions|a (?:quick )?break)|(?:get|dig|dive|jump) into|go (?:over|through) the "
    r"agenda|touch on|move on|kick (?:things|it|us|this) off|pick (?:that|this|it) up|"
    r"circle back|wrap (?:up|things up)|stop there|(?:give|hand|pass|turn) (?:over )?the floor)\b|"
    # the clock of the meeting ("the end of the call" or "on this call" can date a delivery)
    r"\b(?:in a (?:minute|moment|sec(?:ond)?|bit)|(?:first|second) half|"
    r"later (?:on|in (?:the|this) (?:call|meeting))|next time)\b",
    re.IGNORECASE,
)
# keeping notes and passing things on inside our own company: nothing reaches the customer
NOTE_TAKING = re.compile(
    r"\b(?:(?:make|take) a note|note (?:that|it|this) down|(?:write|jot) (?:that|it|this) down|"
    r"log (?:that|it|this) as|let (?:my|our) (?:team|folks|people|engineers|product team) know|"
    r"(?:mention|pass|relay) (?:it|that|this)(?: along| on)? to (?:my|our)\b)",
    re.IGNORECASE,
)
_INTERNAL_ONLY = re.compile(r"\binternally\b", re.IGNORECASE)
_CAN = re.compile(r"\b(?:we|I) can\b", re.IGNORECASE)
_ASSENT = re.compile(r"^(?:yes|yeah|yep|sure|absolutely|definitely|of course|certainly)\b", re.I)
_TO_YOU = re.compile(r"\byou(?:r|rs|'ll|'re)?\b", re.IGNORECASE)
_OFFER_PREAMBLE = re.compile(
    r"\b(?:what|thing|things|option|options|(?:the )?(?:most|best|max|maximum|furthest|least))"
    r"\s+(?:I|we)\s+can\b",
    re.IGNORECASE,
)
# at the customer's wish: "If it helps, we can do a second demo", "happy to send a reference"
_AT_YOUR_WISH = re.compile(
    r"^(?:\w+,?\s+)?if (?:it|that|this) (?:helps|would help|is (?:helpful|useful))\b|"
    r"^(?:\w+,?\s+)?if you(?:'d| would)? (?:like|want|prefer)\b|"
    r"\bif (?:that|it) (?:helps|would help|is (?:helpful|useful))[.!]?$|"
    r"\b(?:I'm|I am|we're|we are|I'd be|we'd be|)\s*happy to\b",
    re.IGNORECASE,
)
_CUSTOMER_CHOICE = re.compile(
    r"\b(?:if you\b|at (?:a |an )?(?:\w+[- ])?(?:years?|seats?|agents?|users?|licenses?)\b|"
    r"on (?:the|a|an) (?:[\w-]+ ){0,2}(?:plan|tier|edition|term|package|contract|deal)\b|"
    r"with (?:the|a|an) (?:[\w-]+ ){0,2}(?:plan|tier|edition|term|commitment)\b)",
    re.IGNORECASE,
)
# the speaker's role, an assurance, accepting something: nothing is delivered to the customer
NOTHING_DELIVERED = re.compile(
    # the future progressive names an activity, not a deliverable, unless it delivers
    r"\b(?:I'll|I will|we'll|we will) be (?!(?:sending|shipping|delivering|providing|emailing)\b)"
    r"\w+ing\b|\b(?:I'm|I am|we're|we are) going to be (?:your|the|a|an)\b|"
    r"\btake (?:good |great |really good )?care of you\b|\blook after you\b|"
    r"\bhave your back\b|\b(?:I'll|we'll) take (?:it|that)(?=[\s.,!?]*$)|"
    r"\b(?:plan|work) around (?:it|that|this|them)\b|"
    # an assurance: the customer's success, our presence, "we'll make it work"
    r"\b(?:you're|you are|you'll be) (?:successful|happy|in good hands|covered|taken care of|"
    r"set up for success)\b|\bevery step of the way\b|\b(?:be )?there for you\b|"
    r"\bget you there\b|\btake it from here\b|"
    r"\btake (?:that|it|this) into (?:account|consideration)\b|"
    r"\b(?:I'll|we'll|I will|we will) make (?:it|this|that) work\b|"
    r"\bhowever (?:we|I) can\b|"
    r"\bsupport you(?=[\s.,!?]*$)",
    re.IGNORECASE,
)
_NAME = r"[A-ZÀ-ÖØ-Þ][\w'-]+"
_INTRO_TITLE = (
    r"(?:account exec(?:utive)?|solutions? (?:engineer|architect|consultant)|sales engineer|"
    r"customer success manager|CSM|implementation (?:consultant|manager|lead)|AE|SE)"
)
INTRODUCTION = re.compile(
    rf"(?:^|[,.!]\s+|\b(?i:and)\s+)(?:I'm|I am|my name is)\s+{_NAME}(?:,\s+{_NAME})?(?:\s+{_NAME})?"
    r"\s*(?:,|$)|"
    rf"^(?:(?i:hi|hey|hello)\b[\w ]{{0,12}}[,!]\s+)?{_NAME}\s+{_NAME},\s+(?:I'm\s+)?"
    rf"(?:an?\s+|the\s+)?(?:[\w-]+\s+){{0,2}}?(?i:{_INTRO_TITLE})\b|"
    rf"\b(?:I'm|I am)\s+(?:still\s+)?(?:your|the)\s+(?:[\w-]+\s+){{0,2}}?(?i:{_INTRO_TITLE})\b"
)
# a later occasion that a walk-through or demo is set for ("at kickoff", "on Tuesday the 11th")
_OCCASION = re.compile(
    r"\b(?:at|during|in) (?:the |our )?(?:kickoff|kick-off|onsite|on-site|workshop|training|"
    r"QBR|session on)\b|\b(?:on|next) (?:Monday|Tuesday|Wednesday|Thursday|Friday)\b|"
    r"\btomorrow\b|\bon the \d|\bby (?:the )?(?:end|next|\d|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday)",
    re.IGNORECASE,
)
_SESSION = re.compile(r"\b(?:walk (?:you )?through|show)\b", re.IGNORECASE)
# what the product does for everyone: a description, not a promise to this customer
STANDARD = re.compile(
    r"\b(?:automatically|by default|out of the box|as standard|(?:our|the) standard "
    r"(?:process|practice|policy|terms|SLA)|(?:that's|it's|that is) standard|"
    r"for (?:every|all (?:of )?our|all) customers?|"
    r"(?:like|as) we do for (?:everyone|every customer|all customers)|"
    r"(?:that's|that is|it's) how (?:it|the [\w-]+|we|this) works?)\b",
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
    """Call logistics (see the module docstring); a walk-through set for a later occasion is a
    session we owe instead."""
    if NOTE_TAKING.search(clause):
        return True
    if _INTERNAL_ONLY.search(clause) and not _TO_YOU.search(clause):
        return True  # "we'll get our heads together internally": work inside our company
    match = LOGISTICS.search(clause) or MEETING.search(clause)
    if match is None:
        return False
    session = _SESSION.search(match.group(0)) or MEETING.match(match.group(0))
    return not (session and _OCCASION.search(clause[match.end() :]))


def introduces_self(sentence: str) -> bool:
    """Does the speaker give their own name or title in `sentence` (a whole sentence)?"""
    return bool(INTRODUCTION.search(sentence))


def delivers_nothing(clause: str) -> bool:
    return bool(NOTHING_DELIVERED.search(clause))


def describes_the_product(clause: str) -> bool:
    """Standard behaviour (see the module docstring); promises.py lets a granted term through."""
    return bool(STANDARD.search(clause))


def is_disclaimed(after: str) -> bool:
    """`after`: the rest of the promise's sentence and the sentence after it in the turn."""
    return bool(DISCLAIMER.search(after))


def is_offer(clause: str, *, binding: re.Match[str] | None) -> bool:
    """A "can" that is an option put to the customer, or anything put at their wish (see the
    module docstring)."""
    if binding is None:
        return False
    if _AT_YOUR_WISH.search(clause):
        return True
    if not _CAN.search(binding.group(0)):
        return False
    return bool(_OFFER_PREAMBLE.search(clause) or _CUSTOMER_CHOICE.search(clause))


def is_capability(clause: str, *, binding: re.Match[str] | None) -> bool:
    """A "we can" that delivers to no one: what the product lets people do ("We can set the
    threshold per account"), unless it answers with a plain "we can do ..." ("We can do net
    60."); promises.py lets a granted term through."""
    if binding is None or not _CAN.search(binding.group(0)):
        return False
    rest = clause[binding.start() :]
    if _ASSENT.match(clause):  # "Yes, we can configure the connector as read-only": a yes
        return False
    return not (_TO_YOU.search(rest) or re.match(r"(?:we|I) can do\b", rest, re.IGNORECASE))


def is_retracted(after: str) -> bool:
    """`after`: what the speaker said after the promise, up to their next promise."""
    return bool(RETRACTION.search(after))
