"""The cohort's dates suggest each topic's target; the trainee's own target, or a
study-group meeting, still wins."""

import datetime

from django.urls import reverse

from topics.models import Topic
from topics.services import timetable_set


def test_cohort_dates_suggest_targets(client_for, two_cohorts):
    c = two_cohorts
    c.a.starts_on = datetime.date(2030, 1, 1)
    c.a.ends_on = datetime.date(2030, 5, 1)  # 120 days, four topics: every 30 days
    c.a.save()
    topics = {t.number: t for t in Topic.objects.filter(module=c.module).with_progress_for(c.ada)}
    assert [topics[n].cohort_date for n in (1, 2, 3, 4)] == [
        datetime.date(2030, 1, 31), datetime.date(2030, 3, 2), datetime.date(2030, 4, 1),
        datetime.date(2030, 5, 1),
    ]  # fmt: skip
    assert topics[1].deadline == datetime.date(2030, 1, 31)
    assert topics[1].deadline_label == "cohort date" and topics[1].deadline_is_cohort
    # the trainee's own target wins
    timetable_set(user=c.ada, module=c.module, targets={topics[1]: datetime.date(2030, 2, 20)})
    topic = Topic.objects.filter(module=c.module, number=1).with_progress_for(c.ada).get()
    assert topic.deadline == datetime.date(2030, 2, 20) and topic.deadline_label == "target"
    # bo's cohort has no dates: nothing suggested
    topic = Topic.objects.filter(module=c.module, number=1).with_progress_for(c.bo).get()
    assert topic.cohort_date is None and topic.deadline is None
    page = client_for(c.ada).get(reverse("topics:timetable", kwargs={"module_slug": c.module.slug}))
    html = page.content.decode()
    assert "Your cohort's dates suggest 2 March 2030" in html
    assert "Your cohort's dates suggest 31 January 2030" not in html  # own target set
