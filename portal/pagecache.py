"""Whole pages kept per visitor, each tagged with the versions of what it shows.

A signed-in page costs tens of milliseconds of template rendering and query compiling,
though most visits see the same page as the visit before. ``@cached_page`` keeps the
rendered page in the shared cache (Redis, or the database cache) under the visitor's
session, CSRF cookie and the full path, together with the versions of the *scopes* it was
built from, read before the view ran:

- ``site``: the course content and anything an admin edits;
- ``user:<id>``: the visitor's own data (progress, reflections, notices, groups ...);
- ``review``: the tutors' queue (only for tutors, whose header shows the waiting count);
- what the view adds: ``debates`` on a debate page, ``group:<id>`` on a group's pages.

A write gives each scope it changes a new version (``pages_changed``), at once and again
when its transaction commits, so a page rendered from data read before the commit is
never kept as current. A visit whose scopes still have the versions of the kept page gets
that page; any other visit renders afresh. Who bumps what:

- every POST (PUT, PATCH, DELETE) by a signed-in person bumps their own scopes
  (``PageCacheMiddleware``), and every write in the admin bumps ``site``;
- each app registers its models (``register_model``): a save or delete bumps the scopes
  the instance maps to, whoever or whatever (a job, a shell) wrote it;
- services that write with ``QuerySet.update()`` call ``pages_changed`` themselves.

Pages are kept for ``PAGE_CACHE_SECONDS`` at most (relative times, "overdue" flags), and
never when the visit carries a message to show, comes from htmx, lacks a CSRF cookie, or
when the answer is not a plain 200 page, sets a cookie or queues a message.

Everything here lives in a cache of its own (the ``pages`` alias: its own table on the
database cache, its own key prefix on Redis), so page entries can never push out the
sign-in rate limits or the sessions kept in the default cache. Every entry has a lifetime
(a version lasts ``VERSION_SECONDS``: a version that is gone reads as a new one, so the
page is rendered afresh), and a view's own scopes are named only for what the visitor may
see (``scopes`` returns None otherwise): nothing a visitor can type into a URL grows the
cache for good.
"""

import hashlib
from collections.abc import Callable, Iterable
from functools import wraps
from uuid import uuid4

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import reverse

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_PREFIX = "page:"
_VERSION = "page:v:"
ALIAS = "pages"
# A scope's version outlives every page kept with it (PAGE_CACHE_SECONDS) many times over;
# when it lapses the next visit reads a new one and renders afresh.
VERSION_SECONDS = 24 * 60 * 60


def page_cache():
    """The cache that holds kept pages and their versions (never the default one)."""
    return caches[ALIAS]


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def user_scope(user_id) -> str:
    return f"user:{user_id}"


# --- writes ----------------------------------------------------------------------------


def _bump(keys: list[str]) -> None:
    token = uuid4().hex
    page_cache().set_many({_VERSION + key: token for key in keys}, timeout=VERSION_SECONDS)


def pages_changed(*, scopes: Iterable[str] = (), users: Iterable = ()) -> None:
    """The data behind these scopes, and behind these people's pages, changed."""
    keys = set(scopes) | {user_scope(u) for u in users if u}
    if not keys:
        return
    _bump(sorted(keys))
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Again when the transaction commits: a page rendered from data read before the
        # commit could have been kept with the first new version. The keys of all the
        # writes of one transaction are bumped together; after a rollback the leftovers
        # go with the next commit (one miss more, never a stale page).
        connection.__dict__.setdefault("_pagecache_pending", set()).update(keys)
        transaction.on_commit(lambda: _flush(connection))


def _flush(connection) -> None:
    keys = connection.__dict__.pop("_pagecache_pending", None)
    if keys:
        _bump(sorted(keys))


def register_model(model, scopes: Callable[[object], tuple[Iterable[str], Iterable]]) -> None:
    """Every save or delete of ``model`` changes ``scopes(instance)``: a pair of
    (scopes, user ids), as ``pages_changed`` takes them."""

    def changed(sender, instance, raw=False, **kwargs):
        if raw:  # loaddata: fixtures load before anyone visits
            return
        try:
            named, users = scopes(instance)
        except ObjectDoesNotExist:  # a cascade took the parent first; its own delete bumps
            return
        pages_changed(scopes=named, users=users)

    uid = f"pagecache-{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + "-del")
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(
            changed, sender=field.remote_field.through, weak=False, dispatch_uid=f"{uid}-{field}"
        )


def content(instance) -> tuple[Iterable[str], Iterable]:
    """For ``register_model``: course content, shown to everyone."""
    return ("site",), ()


def owned_by(field: str, *scopes: str) -> Callable[[object], tuple[Iterable[str], Iterable]]:
    """For ``register_model``: a row that belongs to the person in ``field`` (and shows
    on the pages of ``scopes`` too)."""
    return lambda instance: (scopes, (getattr(instance, f"{field}_id"),))


class PageCacheMiddleware:
    """After any write request, the writer's own pages (and an admin's site) are stale."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in UNSAFE and seconds():
            user = getattr(request, "user", None)
            users = [user.pk] if user is not None and user.is_authenticated else []
            scopes = ["site"] if request.path.startswith(reverse("admin:index")) else []
            pages_changed(scopes=scopes, users=users)
        return response


# --- reads -----------------------------------------------------------------------------


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not seconds():
        return False
    if getattr(request, "htmx", False) or not request.user.is_authenticated:
        return False
    if settings.CSRF_COOKIE_NAME not in request.COOKIES or "messages" in request.COOKIES:
        return False
    session = request.session
    return bool(session.session_key) and "_messages" not in session


def _page_key(request) -> str:
    raw = "\n".join(
        (
            request.session.session_key,
            request.COOKIES[settings.CSRF_COOKIE_NAME],
            request.get_full_path(),
        )
    )
    return _PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _versions(keys: list[str], found: dict) -> tuple:
    cache = page_cache()
    missing = {key: uuid4().hex for key in keys if key not in found}
    for key, token in missing.items():
        if not cache.add(key, token, timeout=VERSION_SECONDS):
            missing[key] = cache.get(key) or token
    return tuple(found.get(key) or missing[key] for key in keys)


def _keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "no-store" in response.get("Cache-Control", ""):
        return False
    storage = getattr(request, "_messages", None)
    return not getattr(storage, "_queued_messages", None) and not request.session.modified


def cached_page(scopes: Callable[..., Iterable[str] | None] | None = None):
    """Keep the view's GET pages per visitor (see the module's docstring). ``scopes``
    gets the request and the URL's keyword arguments and names the scopes the page shows
    besides site, the visitor and (for tutors) the review queue; or None when the visitor
    may not see what the URL names (then the view answers, and nothing is kept)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            user = request.user
            names = ["site", user_scope(user.pk)]
            if getattr(user, "tutor_profile", None) is not None:
                names.append("review")
            if scopes is not None:
                own = scopes(request, **kwargs)
                if own is None:
                    return view(request, *args, **kwargs)
                names.extend(own)
            cache = page_cache()
            keys = [_VERSION + name for name in names]
            page_key = _page_key(request)
            found = cache.get_many([page_key, *keys])
            versions = _versions(keys, found)
            kept = found.get(page_key)
            if kept is not None and kept[0] == versions:
                response = HttpResponse(kept[2], status=200)
                for header, value in kept[1]:
                    response[header] = value
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _keepable(request, response):
                headers = [(h, v) for h, v in response.items() if h.lower() != "set-cookie"]
                cache.set(page_key, (versions, headers, response.content), timeout=seconds())
            return response

        return wrapper

    return decorator
