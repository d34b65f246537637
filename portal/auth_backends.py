"""The sign-in backends, loading the signed-in person with what every page asks of them.

The user is read once per request (by the session's backend). Apps higher up register
the one-to-one relations that a page header needs (``portal.hooks.register_user_related``:
the tutor profile, for the review count), so they come in the same query, not one more.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .hooks import user_related


def _get_user(backend, user_id):
    model = get_user_model()
    try:
        user = model._default_manager.select_related(*user_related()).get(pk=user_id)
    except model.DoesNotExist:
        return None
    return user if backend.user_can_authenticate(user) else None


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        return _get_user(self, user_id)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        return _get_user(self, user_id)
