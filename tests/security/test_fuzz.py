"""The fuzz run of the security review, inside the suite: every URL pattern and every
form on the pages, as a visitor, a trainee, a colleague, a tutor, an admin and a
supervisor by link, with real, missing, too-long and junk ids and values. No answer is a
500. ``FUZZ_REQUESTS`` sets the number of requests (``bench/fuzz.py`` runs a big one on
both databases and writes the counts to ``bench/out/fuzz-<db>.json``)."""

import io
import json
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from tests.fuzzing import Fuzzer, routes

# Enough for every route to be asked for once with GET and once with POST.
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "800"))
OUT = os.environ.get("FUZZ_OUT")


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _world():
    """The demo data, a supervisor's browser, and the pools of ids, slugs and tokens."""
    from portal.models import User
    from studygroups import services
    from studygroups.models import Membership, StudyGroup

    out = io.StringIO()
    call_command("load_content", verbosity=0, stdout=out)
    call_command("seed_demo", stdout=out)
    by_email = {u.email: u for u in User.objects.all()}
    trainee = by_email["trainee@example.com"]
    group = StudyGroup.objects.filter(memberships__user=trainee).first()
    clients = {
        "visitor": _client(),
        "trainee": _client(trainee),
        "colleague": _client(by_email.get("colleague@example.com")),
        "tutor": _client(by_email["tutor@example.com"]),
        "admin": _client(by_email["admin@example.com"]),
    }
    supervision = services.group_create(
        user=trainee, module=group.module, name="Supervision (fuzz)",
        kind=StudyGroup.Kind.SUPERVISOR, prerequisites_confirmed=True,
    )  # fmt: skip
    convenor = Membership.objects.get(group=supervision, user=trainee)
    services.supervisor_invite(
        group=supervision, by=convenor, name="Dr Fuzz", email="fuzz.supervisor@example.net"
    )
    from notifications.models import OutboundEmail

    mail = OutboundEmail.objects.filter(to="fuzz.supervisor@example.net").latest("pk")
    link = re.search(r"/groups/supervise/[^\s?]+/", mail.text_body).group(0)
    supervisor = _client()
    supervisor.get(link)
    clients["supervisor"] = supervisor
    top = max(
        (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for m in apps.get_models()
        if m._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
    )
    ids = list(range(1, min(top, 400) + 1))
    from library.models import Article
    from modules.models import Module

    slugs = list(Module.objects.values_list("slug", flat=True))
    slugs += list(Article.objects.values_list("slug", flat=True)) + ["pdf", "html", "md"]
    strings = [group.join_token, group.join_code, link.rstrip("/").rsplit("/", 1)[-1]]
    return clients, ids, slugs, strings


def _fuzz(budget: int):
    clients, ids, slugs, strings = _world()
    fuzzer = Fuzzer(clients=clients, ids=ids, slugs=slugs, strings=strings)
    try:
        report = fuzzer.run(budget)
    finally:
        fuzzer.close()
    if OUT:
        Path(OUT).parent.mkdir(parents=True, exist_ok=True)
        Path(OUT).write_text(
            json.dumps(
                {
                    "database": connection.vendor,
                    "routes": len(routes()),
                    "requests": report.requests,
                    "by_status": report.by_status,
                    "failures": report.failures,
                },
                indent=1,
                default=str,
            )  # fmt: skip
        )
    return report


def test_every_url_pattern_is_fuzzed():
    # The fuzzer reaches every kind of page: the apps' own, the account pages, the admin.
    found = routes()
    for expected in ("groups/<id:pk>/", "review/<id:pk>/", "accounts/login/", "admin/"):
        assert any(r.startswith(expected) for r in found), expected
    assert not any("<int:" in r for r in found if not r.startswith("admin/"))


@pytest.mark.django_db(transaction=True)
def test_fuzz_finds_no_500():
    if os.environ.get("FUZZ_DATABASE_CACHE"):
        caches = {
            alias: {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                    "LOCATION": f"fuzz_{alias}_cache"}
            for alias in ("default", "pages")
        }  # fmt: skip
        with override_settings(CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.db"):
            call_command("createcachetable", verbosity=0)
            report = _fuzz(REQUESTS)
    else:
        report = _fuzz(REQUESTS)
    assert report.requests >= REQUESTS
    assert not report.failures, json.dumps(report.failures[:5], indent=1, default=str)
