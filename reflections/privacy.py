"""What in a reflection might identify a person the writer works with.

Practitioners must not name the people they support. Before a reflection goes to
anyone else (submitted to tutors, shared with a group), the portal looks for what
identifies a person and asks the writer to check. It never blocks, and the text
never leaves the server: everything here runs in the process, with no network.

Where a kept library knows the rules it does the work: ``phonenumbers`` (Google's
libphonenumber metadata) finds phone numbers, ``python-stdnum`` checks an NHS
number's mod-11 check digit, Django's email validator checks addresses. Names,
dates of birth and postcodes have no library that fits (presidio-analyzer's pattern
recognisers need spaCy installed and fetch a public-suffix list from the internet
for emails; they are regular expressions like these), so those rules are here.

``find_identifiers(text)`` is the one entry point; ``findings.html`` in
``templates/reflections/`` shows the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from stdnum.gb import nhs

# How much of the line to show either side of a finding.
CONTEXT_CHARS = 40


@dataclass(frozen=True)
class Finding:
    """One thing that may identify a person: its kind, the text matched, where it is
    (``start``/``end`` offsets, 1-based ``line``), a short label and the words around it."""

    kind: str
    text: str
    start: int
    end: int
    line: int
    label: str
    before: str = ""
    after: str = ""
    field: str = "body"

    @property
    def excerpt(self) -> str:
        return f"{self.before}{self.text}{self.after}"


# Kinds, their labels, and which wins when two overlap (a valid NHS number can also
# look like a phone number; an email holds words that look like a name).
KINDS = {
    "nhs_number": "NHS number",
    "email": "Email address",
    "date_of_birth": "Date of birth",
    "phone": "Phone number",
    "postcode": "Postcode",
    "name": "Name",
}
PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


# -- names after "client", "service user", "Mrs" ... ------------------------------------

# Words after which a capitalised word is most likely someone's name. "Client A" or
# "Mr X" (one letter) is how practitioners anonymise, so a name needs two letters.
_ROLE_WORDS = (
    r"clients?|service[ -]users?|patients?|residents?|tenants?|carers?|"
    r"called|named|known\ as"
)
_TITLES = r"Mrs|Mr|Ms|Miss|Mx"
_NAME = r"(?:[A-Z]['’])?[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*"  # Smith, O'Brien, Taylor-Jones
NAME_RE = re.compile(
    rf"(?:\b(?i:{_ROLE_WORDS})(?:[ \t]*[,:])?[ \t]+|\b(?:{_TITLES})\.?[ \t]+)"
    rf"(?P<name>{_NAME}(?:[ \t]+{_NAME})?)"
)
# Capitalised words that follow those words without being a name: sentence starts,
# days and months, and the nouns of headings such as "Service User Involvement".
NOT_NAMES = frozenset(
    """
    A An And As At But By For From He Her Hers His How However I If In It Its My Now Of On
    Or Our She So Some That The Their Them Then There These They This Those To Today Was We
    What When Where Which While Who Whom Whose Why With Yesterday You Your
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December
    Care Centred Centered Confidentiality Consent Contact Engagement Experience Experiences
    Feedback Focused Group Groups Information Involvement Led Needs Notes Outcomes Plan Plans
    Record Records Rights Safety Satisfaction Services Support Voice Voices
    """.split()
)


def _names(text: str):
    for match in NAME_RE.finditer(text):
        words = match.group("name").split()
        # Keep the leading words up to the first one that is not a name.
        kept = []
        for word in words:
            if word in NOT_NAMES:
                break
            kept.append(word)
        if not kept:
            continue
        start = match.start("name")
        end = start + len(" ".join(kept)) if len(kept) < len(words) else match.end("name")
        yield "name", start, end


# -- NHS numbers: ten digits, 3-3-4, with a valid mod-11 check digit ----------------------

NHS_RE = re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])")


def _nhs_numbers(text: str):
    for match in NHS_RE.finditer(text):
        if nhs.is_valid(match.group(0)):
            yield "nhs_number", match.start(), match.end()


# -- dates of birth: a date soon after "born", "DOB", "date of birth", "birthday" ----------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
DATE_PATTERNS = [
    # 12/03/1961, 12-03-61, 12.3.1961
    re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4}|\d{2})(?![\d/.-]\d)"),
    # 1961-03-12
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    # 12 March 1961, 12th of Mar. 1961
    re.compile(
        rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<mn>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b",
        re.I,
    ),
    # March 12, 1961; March 12th 1961
    re.compile(
        rf"(?P<mn>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I
    ),
]
BIRTH_RE = re.compile(r"\b(?:d\.?o\.?b\b\.?|date\s+of\s+birth|born|birth\s?day|birth\s+date)", re.I)
# How far after "born" or "DOB" the date may start, within the same sentence.
BIRTH_WINDOW = 30
SENTENCE_BREAK = re.compile(r"[.;!?\n]\s")


def _parse_date(match: re.Match) -> date | None:
    parts = match.groupdict()
    year = int(parts["y"])
    if year < 100:  # a two-digit year of birth is in the last century or this one
        year += 2000 if year <= date.today().year % 100 else 1900
    month = _MONTHS[parts["mn"].lower().rstrip(".")] if parts.get("mn") else int(parts["m"])
    try:
        return date(year, month, int(parts["d"]))
    except ValueError:
        return None


def _dates_of_birth(text: str):
    today = date.today()
    for trigger in BIRTH_RE.finditer(text):
        window_end = min(len(text), trigger.end() + BIRTH_WINDOW)
        found = []
        for pattern in DATE_PATTERNS:
            for match in pattern.finditer(text, trigger.end(), window_end + 20):
                between = text[trigger.end() : match.start()]
                if match.start() > window_end or SENTENCE_BREAK.search(between):
                    continue
                when = _parse_date(match)
                if when is not None and date(1900, 1, 1) <= when <= today:
                    found.append(match)
        if found:
            first = min(found, key=lambda m: (m.start(), -m.end()))
            yield "date_of_birth", first.start(), first.end()


# -- phone numbers: libphonenumber, for UK numbers written nationally or with +44 -----------


def _phones(text: str):
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        raw = match.raw_string
        # Only what is written as a phone number: "0113 ...", "(0113) ...", "+44 ...". A
        # bare run of digits without the trunk 0 is a reference or a count.
        if not raw.lstrip("(").startswith(("0", "+")):
            continue
        number = match.number
        # A valid number anywhere; or one shaped like a UK number (ten or more digits),
        # such as a mistyped one or one from a range libphonenumber does not know.
        if phonenumbers.is_valid_number(number) or (
            number.country_code == 44
            and sum(c.isdigit() for c in raw) >= 10
            and phonenumbers.is_possible_number(number)
        ):
            yield "phone", match.start, match.end


# -- UK postcodes: the full postcode (outward and inward code) ------------------------------

POSTCODE_RE = re.compile(
    r"\b(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b"
)


def _postcodes(text: str):
    for match in POSTCODE_RE.finditer(text):
        yield "postcode", match.start(), match.end()


# -- email addresses: a candidate, checked by Django's validator ---------------------------

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def _emails(text: str):
    for match in EMAIL_RE.finditer(text):
        candidate = match.group(0).strip(".'")
        try:
            validate_email(candidate)
        except ValidationError:
            continue
        start = match.start() + match.group(0).index(candidate)
        yield "email", start, start + len(candidate)


RECOGNISERS = (_nhs_numbers, _emails, _dates_of_birth, _phones, _postcodes, _names)


def _excerpt(text: str, start: int, end: int) -> tuple[str, str, int]:
    """The words either side of ``text[start:end]`` on its line, and the line number."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    before = text[line_start:start]
    after = text[end:line_end]
    if len(before) > CONTEXT_CHARS:
        cut = before[-CONTEXT_CHARS:]
        before = "…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut
    if len(after) > CONTEXT_CHARS:
        cut = after[:CONTEXT_CHARS]
        after = (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"
    return before, after, text.count("\n", 0, start) + 1


def find_identifiers(text: str, *, field: str = "body") -> list[Finding]:
    """Everything in ``text`` that may identify a person, in the order it appears.

    Where two findings overlap, the more specific kind is kept (an NHS number over a
    phone number). Nothing is sent anywhere and nothing is stored.
    """
    if not text:
        return []
    candidates = [
        (kind, start, end) for recogniser in RECOGNISERS for kind, start, end in recogniser(text)
    ]
    candidates.sort(key=lambda c: (PRIORITY[c[0]], c[1]))
    kept: list[tuple[str, int, int]] = []
    for kind, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in kept):
            kept.append((kind, start, end))
    findings = []
    for kind, start, end in sorted(kept, key=lambda c: c[1]):
        before, after, line = _excerpt(text, start, end)
        findings.append(
            Finding(
                kind=kind,
                text=text[start:end],
                start=start,
                end=end,
                line=line,
                label=KINDS[kind],
                before=before,
                after=after,
                field=field,
            )
        )
    return findings


def find_identifiers_in_reflection(*, title: str, body: str) -> list[Finding]:
    """The findings of a reflection's title, then of its body."""
    return find_identifiers(title, field="title") + find_identifiers(body, field="body")
