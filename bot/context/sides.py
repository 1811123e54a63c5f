"""Who is on which side of the table: the seller (us) or the customer.

Evidence, strongest first: a hint (the AE's name, our email domains); an email of ours said by
the speaker; naming our company as their own ("here at Brightwave"); seller-only vocabulary
("account executive", "our platform", "onboarding includes", "deal desk"); talk about the
customer in the third person (internal calls and Slack). Customer vocabulary ("we're looking
to", "our CFO", "my concern") counts the other way. A speaker whose own words settle nothing
takes the side of the people the talk puts them with (colleagues.py): whoever introduced them
or was introduced by them ("I've got Victor with me"), whoever gave them or took from them a
request about the side's own business ("Caleb, stay on a sec."). A speaker with no evidence is
a customer: Handoff's users are the sellers, whom the hints usually name (in a Slack deal
channel the default flips: it is an internal channel; unless someone in it is settled as a
customer: then it is a channel shared with the customer, and the default stays "customer").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.context.colleagues import same_side_pairs
from bot.context.model import Side
from bot.context.sentences import Sentence

GENERIC_SPEAKER = re.compile(
    r"^(?:(?:unknown|unidentified|other)\s+)?(?:speaker|participant|guest|unknown|user|caller|"
    r"host|attendee|person|dial-?in|call-?in|phone|telephone|audio|room|conference room)"
    r"\s*[\w-]{0,3}$|^[+\d\s().-]{5,}$",  # "Dial-in 2", "Unknown Speaker", "+1 415 555 0100"
    re.IGNORECASE,
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")

_SELLER_STRONG = re.compile(
    r"\b(?:account executive|solutions? (?:engineer|consultant|architect)|sales engineer|"
    r"customer success manager|implementation (?:manager|lead)|deal desk|our (?:product|platform|"
    r"pricing|roadmap|connector|customers|tax engine|agent|security docs|implementation team|"
    r"onboarding|solutions team|integrations team|support tier|customer success team|CRO|"
    r"SE|SOC 2|pen test|security overview)|onboarding includes|share my screen|"
    r"see my screen|the demo|your CSM|"
    r"I'll be your|CRM notes|closed won)\b",
    re.IGNORECASE,
)
_SELLER_WEAK = re.compile(
    r"\b(?:we'll(?! need)|we will|I'll send|I'll get you|let me (?:show|loop)|(?<!if )we can|"
    r"you'll (?:get|have)|I'm going to (?:send|get you)|order form|I'll (?:show you|"
    r"walk you through|click)|out of the box|built in|product is (?:looking|working)|"
    r"can't commit|check with (?:product|engineering|my manager|my VP|deal desk))\b",
    re.IGNORECASE,
)
SELLER_TITLES = (
    r"(?:account exec(?:utive)?|account manager|solutions? (?:engineer|consultant|architect)|"
    r"sales (?:engineer|director|rep|representative|executive|manager|lead)|CSM|"
    r"customer success(?: manager)?|implementation (?:manager|lead|specialist|consultant)|"
    r"onboarding (?:manager|specialist)|deal desk)"
)
# "I'm Aaron Feld, I'm the account executive", "I'm still your account exec": a speaker who
# introduces themself with a seller-only title is on the seller side.
_SELF_SELLER = re.compile(
    r"(?:\bI(?:'m| am)\s+(?:still\s+)?(?:[A-Z][\w'-]+,?\s+){0,3}(?:I'm\s+)?"
    # or a turn that opens with the speaker's name: "Hi, Wen Liu, solutions engineer."
    r"|^(?:(?:Hi|Hey|Hello|And|So)\b[,!.]?\s+(?:(?:all|everyone|both|folks)[,!.]?\s+)?)?"
    r"(?:[A-Z][\w'-]+\s+){1,2}?[A-Z][\w'-]+,\s+(?:I'm\s+)?)(?:the\s+|an?\s+|your\s+)?"
    rf"(?:[a-z-]+\s+){{0,2}}?(?i:(?:regional\s+|senior\s+|enterprise\s+)?{SELLER_TITLES})\b"
)
_SECOND_PERSON = re.compile(r"\b(?:your|you'll)\b", re.IGNORECASE)
_THIRD_PERSON = re.compile(r"\b(?:they|their|them)\b", re.IGNORECASE)
_CUSTOMER = re.compile(
    r"\b(?:we're looking to|we are looking to|our (?:main )?goal|we need|we want|our current|"
    r"we're on|we use|we're paying|we ship|my concern|I'm worried|we're (?:kind of )?nervous|"
    r"our (?:CFO|CEO|COO|CISO|CTO|board|legal|procurement|IT|ERP|budget|customers|agents|"
    r"clinics|DCs|warehouses|policy|contract|fiscal|old|data|security team)|"
    r"right now (?:our|we|it's)|can we|do you|does (?:that|it)|is that|what about|how does|"
    # asking for something, wanting a number, budgeting: the buyer's words
    r"(?:can|could|will) you(?! (?:guys )?(?:hear|see))|is (?:that|it) (?:extra|included)|"
    r"I want (?:that|it|this|them|everyone|our|my|\w+ percent|\d)|I'd like|"
    r"I'd want(?! to (?:check|see|confirm|make sure|run|talk))|"
    r"we budgeted|worry for me|for us|we're at|I don't want to (?:pay|be|have|lose)|"
    # the seller's product is "your tool" only to the buyer
    r"your (?:tool|product|software|app|platform|solution)\b(?!\s+team))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hints:
    """What the app knows about its own side: the AE's name, the company's email domains."""

    seller_names: tuple[str, ...] = ()
    seller_domains: tuple[str, ...] = ()
    seller_company: str | None = None  # the workspace's company name, e.g. "Quorum HR"

    def email_side(self, email: str) -> Side | None:
        if not self.seller_domains:
            return None
        domain = email.rsplit("@", 1)[-1].lower()
        ours = any(domain == d or domain.endswith("." + d) for d in self._domains())
        return "seller" if ours else "customer"

    def names_seller(self, name: str) -> bool:
        key = name.casefold()
        return any(
            key == n.casefold() or key.split()[0] == n.casefold().split()[0]
            for n in self.seller_names
            if n.split()
        )

    def company_pattern(self) -> re.Pattern[str] | None:
        """Our company name as people say it, from the domain: quorumhr.com -> "Quorum HR"."""
        labels = [d.split(".")[0] for d in self._domains() if d.split(".")[0]]
        if self.seller_company:
            labels.append(re.sub(r"[^\w]", "", self.seller_company.lower()))
        labels = [label for label in labels if label]
        if not labels:
            return None
        spelled = ["[\\s-]?".join(re.escape(ch) for ch in label) for label in labels]
        return re.compile(r"\b(?:" + "|".join(spelled) + r")\b", re.IGNORECASE)

    def _domains(self) -> Iterable[str]:
        return (d.lower().lstrip("@") for d in self.seller_domains)


def is_person_label(speaker: str | None) -> bool:
    return (
        bool(speaker)
        and not GENERIC_SPEAKER.match(speaker or "")
        and any(c.isalpha() for c in speaker or "")
    )


def infer_sides(
    sentences: Sequence[Sentence], *, hints: Hints, default: Side = "customer"
) -> dict[str, Side]:
    """Side of every speaker label, by the evidence described in the module docstring.
    `default` decides a speaker with too little evidence either way: "customer" on calls,
    "seller" in a deal channel (an internal channel: its posters are our own people)."""
    scores: dict[str, float] = defaultdict(float)
    fixed: dict[str, Side] = {}
    anchored: set[str] = set()  # who gave strong seller evidence, not just promise language
    company = hints.company_pattern()
    for sentence in sentences:
        speaker = sentence.speaker
        if speaker is None:
            continue
        scores[speaker] += _score(sentence.text, company=company)
        if _strong(sentence.text, company=company):
            anchored.add(speaker)
        for email in EMAIL.findall(sentence.text):
            if re.search(r"\b(?:reach me|my email|email me|me at)\b", sentence.text, re.I):
                side = hints.email_side(email)
                if side is not None:
                    fixed[speaker] = side
        if hints.names_seller(speaker):
            fixed[speaker] = "seller"
    if default == "seller" and any(
        fixed.get(s, _settled_side(score)) == "customer" for s, score in scores.items()
    ):
        default = "customer"  # a channel shared with the customer: evidence decides, not the room
    if default == "customer" and anchored | {s for s, side in fixed.items() if side == "seller"}:
        # the seller side is anchored: promise language alone ("I'll send", "we'll") no longer
        # settles a speaker as a seller, since buyers promise things too
        scores = {
            s: min(score, 0.0) if s not in anchored and s not in fixed else score
            for s, score in scores.items()
        }
    sides = {
        speaker: fixed.get(speaker) or _settled_side(score) or default
        for speaker, score in scores.items()
    }
    settled = {s for s, score in scores.items() if s in fixed or _settled_side(score)}
    _join_colleagues(sides, settled=settled, pairs=same_side_pairs(sentences))
    if default == "customer" and "seller" not in sides.values():
        # every sales call has a seller: the clearest one, if anyone leans that way at all
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        leader_clear = len(ranked) == 1 or ranked[0][1] > ranked[1][1]
        if ranked and ranked[0][1] > 0 and leader_clear and ranked[0][0] not in fixed:
            sides[ranked[0][0]] = "seller"
    return sides


def _join_colleagues(
    sides: dict[str, Side], *, settled: set[str], pairs: list[tuple[str, str]]
) -> None:
    """An unsettled speaker takes the side of the settled people the talk puts them with, when
    those agree; who is settled so spreads along a chain of introductions."""
    for _ in range(len(pairs)):
        votes: dict[str, set[Side]] = defaultdict(set)
        for a, b in pairs:
            for weak, strong in ((a, b), (b, a)):
                if weak in sides and weak not in settled and strong in settled:
                    votes[weak].add(sides[strong])
        agreed = {speaker: found.pop() for speaker, found in votes.items() if len(found) == 1}
        if not agreed:
            return
        sides.update(agreed)
        settled.update(agreed)


def _settled_side(score: float) -> Side | None:
    """The side a speaker's own words settle, if they do."""
    if score >= 2.5:
        return "seller"
    if score <= -1.5:
        return "customer"
    return None


def _strong(text: str, *, company: re.Pattern[str] | None) -> bool:
    """Seller evidence no buyer gives: our vocabulary, a seller title, our company as theirs."""
    return bool(_SELLER_STRONG.search(text) or _SELF_SELLER.search(text)) or _calls_us_theirs(
        text, company=company
    )


def _calls_us_theirs(text: str, *, company: re.Pattern[str] | None) -> bool:
    """ "here at Brightwave", "on the Carepath side": our company named as the speaker's."""
    if company is None:
        return False
    pattern = rf"\b(?:at|with|from|on the|here at|over at)\s+(?:{company.pattern})"
    return bool(re.search(pattern, text, re.IGNORECASE))


def _score(text: str, *, company: re.Pattern[str] | None) -> float:
    score = 2.0 * len(_SELLER_STRONG.findall(text)) + 1.0 * len(_SELLER_WEAK.findall(text))
    score += 6.0 * bool(_SELF_SELLER.search(text))
    score += 0.5 * len(_THIRD_PERSON.findall(text)) + 0.3 * len(_SECOND_PERSON.findall(text))
    if _calls_us_theirs(text, company=company):
        score += 6.0
    return score - 1.5 * len(_CUSTOMER.findall(text))
