"""A form sent twice makes one thing.

Each "create" form carries a token of its own (``{% form_token %}``, new at every render).
The first post of a token and its content claims it in the shared cache (``cache.add``,
which only one request can win, on Redis, the database cache and the in-memory cache
alike) and keeps where its result lives; a second post of the same form, whether a
double click, a resend after a timeout or a second request at the same moment, waits for
the first to finish and is sent to that same result instead of making another. The
content is part of the key, so two different comments written in two tabs opened from
one page both count; a form refused (an error beside a field) can be sent again.
"""

import hashlib
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import caches

FIELD = "form_token"
_TOKEN = re.compile(r"\A[A-Za-z0-9_-]{16,64}\Z")
_PENDING = "…"
KEEP_SECONDS = 24 * 60 * 60
WAIT_SECONDS = 10.0


def new_token() -> str:
    return secrets.token_urlsafe(16)


@dataclass
class Submission:
    key: str | None
    result: str = ""  # where the first post's result lives, for a second post
    kept: bool = False

    def keep(self, url: str) -> None:
        """The first post made its thing: later posts of this form are sent to ``url``."""
        self.kept = True
        if self.key is not None:
            caches["default"].set(self.key, url, timeout=KEEP_SECONDS)


def _who(request) -> str:
    """The person posting: their account, or (a supervisor by link) their session."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return f"s{key}" if key else ""


def _key(request, who: str, action: str, token: str) -> str:
    content = sorted(
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    )
    digest = hashlib.sha256(repr((action, content)).encode()).hexdigest()
    return f"once:{who}:{token}:{digest}"


@contextmanager
def once(request, action: str, *, fallback: str):
    """Around the write of a create view::

        with once(request, "studygroups:comment", fallback=share_url) as sent:
            if sent.result:
                return redirect(sent.result)  # the same form, sent again
            comment = services.comment_add(...)
            sent.keep(comment.get_absolute_url())

    ``fallback`` is where a second post goes if the first is still at work after
    ``WAIT_SECONDS``. A post without a token (an old page) is written as before."""
    token = request.POST.get(FIELD, "")
    who = _who(request)
    if not _TOKEN.match(token) or not who:
        yield Submission(None)
        return
    cache = caches["default"]
    key = _key(request, who, action, token)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if cache.add(key, _PENDING, timeout=KEEP_SECONDS):
            submission = Submission(key)
            try:
                yield submission
            finally:
                if not submission.kept:  # refused or failed: the form may be sent again
                    cache.delete(key)
            return
        value = cache.get(key)
        if value not in (None, _PENDING) or time.monotonic() > deadline:
            # The first post's result; or, if it is still at work after the wait, the
            # page the form was on (never a second thing).
            yield Submission(None, result=value if value != _PENDING else fallback)
            return
        if value == _PENDING:
            time.sleep(0.05)
