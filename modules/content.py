"""The module's content structure (its prerequisites, learning outcomes and tutors),
cached: it changes only when an admin edits it, and the overview reads it on every visit.

Each process keeps the structures it has built under a *content version* held in the
shared cache (Redis, or the database cache). Any save or delete of a module, prerequisite,
learning outcome, tutor or tutor link gives the content a new version, at once and again
when the transaction commits (so no process can keep a structure it read before the
commit), and every process then builds the structure afresh on its next visit. Writes
that bypass the models' signals (``QuerySet.update()``) must call ``content_changed()``.
"""

import copy
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch

VERSION_KEY = "modules:content-version"
_structures: dict[tuple[str, str], object] = {}


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid4().hex, timeout=None)
    _structures.clear()


def content_changed(**kwargs) -> None:
    """A module's content changed: every process builds its structure again."""
    _new_version()
    transaction.on_commit(_new_version)


def module_structure(slug: str):
    """The module with this slug, its prerequisite links (with the modules they require),
    learning outcomes and tutor links (with the tutors) prefetched; None if there is none.
    A copy: the caller may prefetch more onto it (the user's progress) without it
    reaching anyone else."""
    from .models import Module, ModuleTutor, Prerequisite

    key = (slug, content_version())
    if key not in _structures:
        if len(_structures) > 500:
            _structures.clear()
        _structures[key] = (
            Module.objects.prefetch_related(
                Prefetch(
                    "prerequisite_links", queryset=Prerequisite.objects.select_related("required")
                ),
                "outcomes",
                Prefetch("tutor_links", queryset=ModuleTutor.objects.select_related("tutor")),
            )
            .filter(slug=slug)
            .first()
        )
    module = _structures[key]
    if module is None:
        return None
    fresh = copy.copy(module)
    fresh._state = copy.copy(module._state)
    fresh._prefetched_objects_cache = dict(module._prefetched_objects_cache)
    return fresh
