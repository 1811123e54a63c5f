"""Does a promise-shaped clause name something delivered? (promises.py asks this last.)

Labellers count a seller's "I'll ..." / "we'll ..." / "we can ..." as a commitment when it
binds us to deliver something to the customer: a document, a setup, a session, a price, a
date. The ways of *not* delivering anything are many and open-ended ("we'll keep you posted",
"I'll raise that with product", "we'll take it from here", "I'll type up my notes"), so rather
than list them all, a promise must show what it delivers:
- its verb is one of delivery (send, get you, have ... ready, set up, include, waive, lock,
  schedule, introduce, migrate, train, ...: the lexicon below, gathered from how sellers
  promise, not from any one call), or
- it carries a date ("I'll loop back with the numbers on Monday": a date makes it checkable;
  not for "be": "we're going to be at the conference in May" delivers nothing), or
- it grants a term (promises.py's terms: "is included", "at no cost", "in the order form").
A binding without a subject and modal ("will be live in your tenant in March", "coming your
way by Friday", "I promised Marco we'd ...") names its delivery itself.
"""

from __future__ import annotations

import re

DELIVERY_VERBS = frozenset(
    {
        "send", "get", "have", "take", "reach", "eat", "square", "own", "secure", "do", "put",
        "include", "set", "build", "run", "hold", "cap", "make", "lock", "update", "staff", "loop",
        "bring", "waive", "introduce", "forward", "record", "walk", "write", "confirm", "post",
        "enable", "add", "countersign", "sign", "schedule", "hit", "book", "extend", "capture",
        "bake", "turn", "honor", "honour", "credit", "guarantee", "guaranteed", "promise",
        "promised", "commit", "committed", "migrate", "flag", "start", "come", "configure",
        "delete", "email", "share", "provide", "deliver", "ship", "prepare", "draft", "give",
        "grant", "throw", "knock", "cover", "reimburse", "refund", "match", "upgrade", "train",
        "deploy", "install", "provision", "connect", "integrate", "assign", "dedicate", "fix",
        "resolve", "patch", "remediate", "release", "launch", "activate", "open", "reserve",
        "arrange", "organize", "organise", "host", "invite", "coordinate", "follow", "respond",
        "reply", "answer", "review", "return", "complete", "finish", "finalize", "finalise",
        "load", "import", "map", "test", "validate", "document", "outline", "summarize",
        "summarise", "recap", "comp", "freeze", "allow", "pay", "invoice", "bill", "discount",
        "reduce", "lower", "cut", "absorb", "handle", "pull", "export", "stand", "spin", "sort",
        "clean", "create", "design", "tailor", "customize", "customise", "demo", "show", "present",
        "plug", "hook", "transfer", "port", "move", "convert", "onboard", "license", "expedite",
        "block", "drop", "mail", "call", "phone", "rush", "allocate", "bump", "swap", "replace",
        "rebuild", "flip", "issue", "apply", "prorate", "sponsor", "fund", "fly", "supply",
        "upload", "attach", "submit", "fill", "execute", "circulate", "whitelist", "allowlist",
        "switch", "kick", "pilot", "earmark",
    }
)  # fmt: skip
# the verb after the subject and modal, past the adverbs people put there
_VERB_AFTER = re.compile(
    r"^(?:I'll|I will|we'll|we will|I'm going to|we're going to|we are going to|you'll|you will|"
    r"(?:we|I) can|let me|[\w-]+\s+will|(?:your|our)\s+(?:[\w-]+\s+){0,3}\w+\s+will)\s+"
    r"(?:(?:also|then|just|still|absolutely|definitely|personally|actually|certainly|happily|"
    r"gladly|really|quickly|immediately|go ahead and|be sure to|make sure to)\s+)*"
    r"(?P<verb>[a-z]+)(?:\s+(?P<next>[a-z]+))?",
    re.IGNORECASE,
)
# what "be" delivers: a state of ours or something done to us ("will be assigned within five
# business days", "we'll be ready", "I'll be there for both"), not a place or a role
_DELIVERED_STATE = re.compile(
    r"^(?:ready|live|done|available|there|onsite|on-site|up|set|in|\w+ed|\w+en)$", re.IGNORECASE
)


def names_a_delivery(clause: str, *, binding: re.Match[str], dated: bool = False) -> bool:
    """Does the promise the `binding` (a match in `clause`) starts deliver something: a verb of
    delivery, or any verb but "be" when the clause carries a date (`dated`)? Being somewhere
    on a date ("we're going to be at the conference in May") delivers nothing."""
    found = _VERB_AFTER.match(clause[binding.start() :])
    if found is None:
        return True  # "will be live in your tenant", "coming your way": delivery said outright
    verb = found["verb"].lower()
    if verb == "be":
        return dated and bool(_DELIVERED_STATE.match(found["next"] or ""))
    return verb in DELIVERY_VERBS or dated
