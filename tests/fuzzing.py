"""A fuzzer over every URL of the portal and every form on its pages, for the suite
(``tests/security/test_fuzz.py``, a bounded number of requests) and for a big run on both
databases (``bench/fuzz.py``).

It works on the demo data (``seed_demo``: the course, a trainee, a colleague, a tutor, an
admin, a study group with meetings, reflections waiting for review) plus a supervisor by
link. Every URL pattern is filled with real ids and slugs, with ids of nothing, with ids
too long for the database and with junk; each is asked for by a visitor, the trainee, the
colleague, the tutor, the admin and the supervisor, with GET and with POSTs built from the
forms on its page (every field given a real value, an empty one, a huge number, a word
where a number goes, control characters, markup, a long text...). A 500 is a failure; the
traceback of each is kept.
"""

import random
import re
import traceback
from dataclasses import dataclass, field

from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

HUGE = str(10**30)
BIGINT = "9" * 18
JUNK_VALUES = [
    "", "0", "1", "2", "-1", HUGE, BIGINT, "abc", "²", "١٢", "1.5", "1e5", "NaN", "on", "off",
    "true", "\x00", "a\r\nb", "\t", "\u2028", "<script>alert(1)</script>",
    "javascript:alert(1)", "' OR 1=1 --", "%00", "../../etc/passwd", "x" * 5000,
    "2026-13-45", "1999-01-01", "2099-12-31", "25:99", "18:30", "https://evil.example/",
    "//evil.example", "/groups/", "é" * 300, "😀", "[]", "{}", "null",
]  # fmt: skip
# Field names worth sending to any form, besides those the page shows.
EXTRA_FIELDS = [
    "reflection", "group", "outcomes", "version", "next", "page", "thread", "topic", "task",
    "code", "email", "name", "member", "action", "decision", "text", "body", "title", "place",
    "date", "time", "duration", "structure", "module", "confirmed", "done", "ticked",
    "hidden", "public", "form_token", "item", "answer", "owner", "q", "sort", "side",
]  # fmt: skip
SKIP = re.compile(r"^/(accounts/logout/|accounts/profile/delete/|static/|bench/)")
_NAME = re.compile(r'name="([^"]+)"')
_VALUE = re.compile(r'<(?:input|option|textarea|select)[^>]*?value="([^"]*)"')


@dataclass
class Report:
    requests: int = 0
    by_status: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)

    def add(self, method, url, role, status, data=None, error=""):
        self.requests += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        if status >= 500:
            self.failures.append(
                {"method": method, "url": url, "role": role, "status": status,
                 "data": {k: str(v)[:80] for k, v in (data or {}).items()}, "error": error}
            )  # fmt: skip


def routes(resolver=None, prefix="") -> list[str]:
    """Every URL pattern as a route string: "groups/<id:pk>/meetings/<id:meeting>/"."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        text = str(pattern.pattern)
        if hasattr(pattern.pattern, "regex") and text.startswith("^"):
            text = _regex_to_route(text)
            if text is None:
                continue
        if isinstance(pattern, URLResolver):
            found += routes(pattern, prefix + text)
        elif isinstance(pattern, URLPattern):
            found.append(prefix + text)
    return sorted(set(found))


def _regex_to_route(regex: str) -> str | None:
    """A simple regex pattern (the admin's, allauth's) as a route; None if it is not
    simple."""
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<str:\1>", text)
    text = text.replace("\\.", ".").replace("\\/", "/")
    if re.search(r"[()\[\]*+?|\\]", text):
        return None
    return text


class Fuzzer:
    def __init__(self, *, clients: dict[str, Client], ids: list[int], slugs: list[str],
                 strings: list[str], seed: int = 19):  # fmt: skip
        self.clients, self.ids, self.slugs, self.strings = clients, ids, slugs, strings
        self.random = random.Random(seed)
        self.report = Report()
        self._error = ""
        got_request_exception.connect(self._caught, weak=False, dispatch_uid="fuzzer")

    def close(self):
        got_request_exception.disconnect(dispatch_uid="fuzzer")

    def _caught(self, sender, request=None, **kwargs):
        self._error = traceback.format_exc(limit=-30)

    # --- values -------------------------------------------------------------------------

    def fill(self, route: str) -> str:
        def value(match):
            converter = match.group(1)
            roll = self.random.random()
            if converter in ("id", "int"):
                if roll < 0.55:  # the demo's first few of everything: pages that exist
                    return str(self.random.randint(1, 6))
                if roll < 0.85:
                    return str(self.random.choice(self.ids))
                return self.random.choice(["0", BIGINT, "999999", "7"])
            if converter == "slug":
                return self.random.choice(self.slugs) if roll < 0.8 else "no-such-slug"
            if converter == "uuid":
                return "12345678-1234-5678-1234-567812345678"
            pool = self.strings + ["x", "abc.def", "AAAA1111", "1", "..", "%2F"]
            return self.random.choice(pool)

        return "/" + re.sub(r"<(?:(\w+):)?\w+>", value, route)

    def post_data(self, page: str) -> dict:
        names = sorted(set(_NAME.findall(page)) - {"csrfmiddlewaretoken"})
        real = _VALUE.findall(page)
        extra = self.random.sample(EXTRA_FIELDS, 4)
        data = {}
        for name in names + extra:
            roll = self.random.random()
            if roll < 0.45 and real:
                data[name] = self.random.choice(real)
            elif roll < 0.55:
                data[name] = str(self.random.choice(self.ids))
            elif roll < 0.6:
                data[name] = [self.random.choice(JUNK_VALUES), self.random.choice(real or ["1"])]
            else:
                data[name] = self.random.choice(JUNK_VALUES)
        return data

    # --- requests -----------------------------------------------------------------------

    def request(self, role: str, method: str, url: str, data=None):
        client = self.clients[role]
        self._error = ""
        headers = {"HX-Request": "true"} if self.random.random() < 0.15 else {}
        try:
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.post(url, data or {}, headers=headers)
        except Exception:  # noqa: BLE001 (the test client raising is a failure too)
            self.report.add(method, url, role, 599, data, traceback.format_exc(limit=-30))
            return None
        self.report.add(method, url, role, response.status_code, data, self._error)
        return response

    def run(self, budget: int, *, posts: int = 1) -> Report:
        """About ``budget`` requests: passes over every route (each time in another order,
        as another role), a GET and ``posts`` POSTs built from the page's forms."""
        all_routes = [r for r in routes() if not SKIP.match("/" + r)]
        roles = list(self.clients)
        while self.report.requests < budget:
            self.random.shuffle(all_routes)
            for route in all_routes:
                if self.report.requests >= budget:
                    break
                admin = route.startswith("admin/")
                if admin and self.random.random() < 0.5:
                    continue  # the admin's many alike pages: half of them each pass
                # The admin's pages mostly as the admin, the others mostly signed in.
                role = (
                    "admin" if admin and self.random.random() < 0.7 else self.random.choice(roles)
                )
                url = self.fill(route)
                response = self.request(role, "GET", url)
                page = ""
                if response is not None and not getattr(response, "streaming", False):
                    page = response.content.decode(errors="replace")[:200_000]
                for _ in range(posts):
                    self.request(role, "POST", url, self.post_data(page))
        return self.report
