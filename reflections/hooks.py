"""Sign-offs that apps above reflections record against a reflection.

A supervisor in a study group may sign off a reflection shared with the group
("discussed in supervision on <date>"). Study groups live above this app, so it cannot
import them: the studygroups app registers a source in its ``AppConfig.ready()``, and the
portfolio, the reflection page and every export show what the source gives.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class SignOff:
    """Someone else's record that a reflection was discussed with them."""

    signed_by: str  # the person's name
    role: str  # e.g. "supervisor"
    context: str  # where, e.g. the study group's name
    discussed_on: date
    comment: str = ""  # Markdown
    signed_at: datetime | None = None
    version: int | None = None  # the reflection's version when it was signed off

    @property
    def statement(self) -> str:
        return f"Discussed in supervision on {self.discussed_on.day} {self.discussed_on:%B %Y}"


SignOffSource = Callable[[list[int]], dict[int, list[SignOff]]]
_sources: list[SignOffSource] = []


def register_signoff_source(source: SignOffSource) -> None:
    """``source(reflection ids)`` gives the sign-offs of each, in one query."""
    if source not in _sources:
        _sources.append(source)


def unregister_signoff_source(source: SignOffSource) -> None:
    if source in _sources:
        _sources.remove(source)


def attach_signoffs(reflections: Iterable) -> None:
    """Set ``signoffs`` (a list, in the order the sources give) on each reflection that has
    none set yet: one query per source."""
    reflections = [r for r in reflections if not hasattr(r, "signoffs")]
    if not reflections:
        return
    found: dict[int, list[SignOff]] = {}
    ids = [r.pk for r in reflections]
    for source in _sources:
        for pk, items in source(ids).items():
            found.setdefault(pk, []).extend(items)
    for reflection in reflections:
        reflection.signoffs = found.get(reflection.pk, [])


# --- certificates ----------------------------------------------------------------------
# Apps above (credentials) issue their own record of a new certificate in the same
# transaction: ``listener(certificate)`` is called once, when the certificate is made.

CertificateListener = Callable[[Any], None]
_certificate_listeners: list[CertificateListener] = []


def register_certificate_listener(listener: CertificateListener) -> None:
    if listener not in _certificate_listeners:
        _certificate_listeners.append(listener)


def certificate_made(certificate) -> None:
    for listener in _certificate_listeners:
        listener(certificate)
