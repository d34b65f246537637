"""Limits on how often a person may do something (wrong join codes, invitations sent),
kept in the shared cache so they hold across every app server.

Each attempt first claims one of ``limit`` slots (``cache.add`` of ``<key>:<n>``, which
only one caller can win, on Redis, the database cache and the in-memory cache alike) and
only then is it decided: the count goes up before the work, never after it, so attempts
sent at once cannot all read the same count. A slot lapses ``window`` seconds after it
was claimed, so at most ``limit`` attempts go ahead in any ``window`` seconds. (Not
``cache.incr``: on the database cache it reads then writes, and on Redis a counter that
lapses between Django's check and its INCR comes back without a lifetime.)
"""

from dataclasses import dataclass

from django.core.cache import caches


@dataclass(frozen=True)
class Attempt:
    """A claimed slot (``allowed``), which ``release`` gives back when the attempt turns
    out not to count (a right join code)."""

    key: str | None

    @property
    def allowed(self) -> bool:
        return self.key is not None

    def release(self) -> None:
        if self.key is not None:
            caches["default"].delete(self.key)


def attempt(key: str, *, limit: int, window: int) -> Attempt:
    """Count one attempt against ``key``; ``allowed`` is False once ``limit`` attempts
    went ahead in the last ``window`` seconds."""
    cache = caches["default"]
    slots = [f"limit:{key}:{n}" for n in range(1, limit + 1)]
    taken = cache.get_many(slots)
    for slot in slots:
        if slot not in taken and cache.add(slot, 1, timeout=window):
            return Attempt(slot)
    return Attempt(None)
