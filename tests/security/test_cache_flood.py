"""Finding 1: nothing a visitor can name grows the cache for good, and kept pages never
push out the sign-in rate limits. A few hundred requests for groups that do not exist
(404 each) leave the cache as it was, and an account locked by wrong passwords stays
locked; on the database cache too, whose table drops its oldest third when full."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from portal.pagecache import VERSION_SECONDS
from studygroups.pages import MEMBERS_SECONDS
from tests.kept_pages import keep

from .helpers import PASSWORD, browser

LOCKED = "Too many failed login attempts"
UNKNOWN_GROUPS = 300


def entries(alias: str) -> int:
    """How many entries the cache ``alias`` holds, whatever its backend."""
    cache = caches[alias]
    backend = type(cache).__name__
    if backend == "LocMemCache":
        return len(cache._cache)
    if backend == "DatabaseCache":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(cache._table)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a setting, not input)
            return cursor.fetchone()[0]
    if backend == "RedisCache":
        client = cache._cache.get_client()
        return sum(1 for _ in client.scan_iter(match=f"{cache.key_prefix}:*"))
    raise AssertionError(backend)


def lock_out(user) -> None:
    for _ in range(6):
        Client().post("/accounts/login/", {"login": user.email, "password": "wrong"})
    assert _sign_in(user) == "locked"


def _sign_in(user) -> str:
    response = Client().post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    if response.status_code == 302:
        return "in"
    return "locked" if LOCKED in response.content.decode() else "refused"


def flood(client) -> None:
    for n in range(UNKNOWN_GROUPS):
        assert client.get(f"/groups/{900_000 + n}/").status_code == 404


def test_finding_1_unknown_groups_leave_the_cache_as_it_was(make_user, trainee, ann, group):
    lock_out(trainee)
    visitor = browser(ann)
    keep(visitor, group.get_absolute_url())  # a real page is kept as before
    before = {alias: entries(alias) for alias in ("default", "pages")}
    flood(visitor)
    after = {alias: entries(alias) for alias in ("default", "pages")}
    # Nothing new; on Redis entries that lapse during a slow run (the kept page after
    # 60 s, a one-minute rate-limit window) may even be gone.
    assert all(after[alias] <= before[alias] for alias in before), (before, after)
    assert _sign_in(trainee) == "locked"  # six wrong passwords still count


def test_finding_1_groups_one_may_not_see_write_nothing_either(ann, group, cat):
    outsider = browser(cat)
    outsider.get("/")  # the CSRF cookie that makes pages keepable
    before = entries("pages")
    for _ in range(3):
        assert outsider.get(group.get_absolute_url()).status_code == 404
        assert outsider.get(f"{group.get_absolute_url()}meetings/1/").status_code == 404
    # At most the group's member list (one entry per real group), never a version per try.
    assert entries("pages") <= before + 1


def test_every_kept_entry_has_a_lifetime(ann, group):
    keep(browser(ann), group.get_absolute_url())
    cache = caches["pages"]
    if type(cache).__name__ != "LocMemCache":
        pytest.skip("lifetimes are read from the in-memory cache")
    import time

    assert cache._expire_info, "nothing was kept"
    longest = max(VERSION_SECONDS, MEMBERS_SECONDS)
    for key, expires in cache._expire_info.items():
        assert expires is not None and expires <= time.time() + longest + 1, key


DATABASE_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "flood_test_cache",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "flood_test_page_cache",
        # Small, so that the flood below would cull it several times over.
        "OPTIONS": {"MAX_ENTRIES": 50},
    },
}


@pytest.mark.django_db(transaction=True)
def test_finding_1_on_the_database_cache_the_lock_out_holds(make_user, content):
    with override_settings(
        CACHES=DATABASE_CACHES, SESSION_ENGINE="django.contrib.sessions.backends.db"
    ):
        call_command("createcachetable", verbosity=0)
        try:
            locked = make_user()
            lock_out(locked)
            visitor = browser(make_user())
            visitor.get("/")
            flood(visitor)
            # Real pages, many of them, fill the pages' table past its size: it culls
            # its own entries, never the rate limits.
            for n in range(60):
                assert visitor.get(reverse("dashboard") + f"?n={n}").status_code == 200
                visitor.get(reverse("dashboard") + f"?n={n}")
            assert entries("pages") <= 60
            assert _sign_in(locked) == "locked"
        finally:
            with connection.cursor() as cursor:
                for alias in ("default", "pages"):
                    name = connection.ops.quote_name(DATABASE_CACHES[alias]["LOCATION"])
                    cursor.execute(f"DROP TABLE IF EXISTS {name}")
