"""Study groups are convened within a cohort by default; opening one to every cohort is
the convenor's deliberate choice."""

import pytest
from django.urls import reverse

from modules.models import Enrolment
from studygroups import services
from studygroups.models import StudyGroup
from tests.debates.conftest import post


def test_a_group_is_for_its_convenors_cohort(two_cohorts, make_user):
    c = two_cohorts
    group = services.group_create(user=c.ada, module=c.module, name="Leeds peers", kind="peer")
    assert group.cohort == c.a
    with pytest.raises(services.GroupError, match="cohort “Leeds January”"):
        services.membership_join(group=group, user=c.bo)
    newcomer = make_user()
    services.membership_join(group=group, user=newcomer, prerequisites_confirmed=True)
    assert Enrolment.objects.get(user=newcomer).cohort == c.a  # enrolled into the group's cohort
    open_group = services.group_create(
        user=c.ada, module=c.module, name="Everyone", kind="peer", across_cohorts=True
    )
    assert open_group.cohort is None
    services.membership_join(group=open_group, user=c.bo)
    assert open_group.memberships.count() == 2


def test_the_create_form_offers_the_choice(client_for, two_cohorts):
    c = two_cohorts
    client = client_for(c.ada)
    url = reverse("studygroups:create") + f"?module={c.module.slug}"
    html = client.get(url).content.decode()
    assert "Open it to trainees of every cohort of the module" in html
    post(client, url, {"name": "Across", "kind": "peer", "across_cohorts": "on",
                       "module": c.module.slug})  # fmt: skip
    post(client, url, {"name": "Mine only", "kind": "peer", "module": c.module.slug})
    assert StudyGroup.objects.get(name="Across").cohort is None
    assert StudyGroup.objects.get(name="Mine only").cohort == c.a
