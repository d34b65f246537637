"""Writes about organisations: adding staff (bulk enrolment names an organisation)."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .models import Membership, Organisation


@transaction.atomic
def organisation_get_or_create(*, name: str) -> Organisation:
    """The organisation of this name (case and spacing ignored), made if new."""
    name = " ".join(name.split())
    found = Organisation.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    base = slugify(name)[:45] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Organisation.objects.create(name=name, slug=slug)


@transaction.atomic
def membership_add(*, organisation: Organisation, user, is_lead: bool = False) -> Membership:
    """Put the user on the organisation's staff (idempotent; a lead stays a lead)."""
    try:
        with transaction.atomic():
            membership, _ = Membership.objects.get_or_create(
                organisation=organisation, user=user, defaults={"is_lead": is_lead}
            )
    except IntegrityError:
        membership = Membership.objects.get(organisation=organisation, user=user)
    if is_lead and not membership.is_lead:
        membership.is_lead = True
        membership.save(update_fields=["is_lead"])
    return membership
