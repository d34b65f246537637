"""Writes about people and roles."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from .models import TUTOR_GROUP, User


@transaction.atomic
def user_create_verified(
    *,
    email: str,
    password: str,
    full_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create (or reset) an account whose email address is already verified."""
    user = User.objects.filter(email__iexact=email).first() or User(email=email)
    user.full_name = full_name
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    user.is_active = True
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def user_make_tutor(*, user: User) -> None:
    """Put the user in the Tutors group; linking a Tutor profile is the admin's choice."""
    group, _ = Group.objects.get_or_create(name=TUTOR_GROUP)
    user.groups.add(group)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything it owns (enrolments, completions, reflections and
    their versions cascade). Feedback the user gave as a tutor stays, without their name.
    Apps first hand over what the person held for others (portal.hooks)."""
    from .hooks import before_user_delete

    before_user_delete(user)
    user.delete()
