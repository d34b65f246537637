"""No 500 anywhere in the admin: every add and change page of every registered model opens
and takes its own form back unchanged, and with its inline rows put in another order.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from modules.models import LearningOutcome, Module
from tests.portal.admin_forms import form_data, reorder_inlines
from topics.models import Resource, Task, Topic


@pytest.fixture
def demo(content, admin_user):
    # The reflective structures come from a data migration, which a transactional test
    # earlier in the same worker flushes away: seed them, so the count below holds.
    from reflections.models import ReflectionTemplate
    from reflections.structures import seed_structures

    seed_structures(ReflectionTemplate)
    call_command("seed_demo", stdout=io.StringIO())
    return content


def _admin_models():
    return [m for m in apps.get_models() if m in admin.site._registry]


def _errors(response) -> list:
    context = response.context
    if context is None or "adminform" not in context:
        return [response.status_code]
    errors = [context["adminform"].form.errors]
    for inline in context.get("inline_admin_formsets", []):
        errors += [inline.formset.errors, inline.formset.non_form_errors()]
    return [e for e in errors if e]


def _client(client_for, user):
    client = client_for(user)
    client.raise_request_exception = False
    return client


def test_every_add_and_change_form_posts_back_unchanged(client_for, admin_user, demo):
    client = _client(client_for, admin_user)
    opened = posted = 0
    for model in _admin_models():
        info = (model._meta.app_label, model._meta.model_name)
        add_url = reverse("admin:{}_{}_add".format(*info))
        page = client.get(add_url)
        assert page.status_code in (200, 403), (info, page.status_code)
        if page.status_code == 200:
            opened += 1
            response = client.post(add_url, form_data(page.content.decode()))
            # An empty add form is either saved or answered with its errors; never a 500.
            assert response.status_code in (200, 302), (info, response.status_code)
            posted += 1
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        change_url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        page = client.get(change_url)
        assert page.status_code == 200, (info, page.status_code)
        opened += 1
        response = client.post(change_url, form_data(page.content.decode()))
        if not admin.site._registry[model].has_change_permission(_request(admin_user), obj):
            assert response.status_code == 403, info  # read-only records
            continue
        assert response.status_code == 302, (info, response.status_code, _errors(response))
        posted += 1
    assert opened > 60 and posted > 40


def _order_fields(page) -> dict[str, str]:
    return {
        inline.formset.prefix: inline.formset.default_order_field
        for inline in page.context["inline_admin_formsets"]
        if getattr(inline.formset, "default_order_field", None)
    }


def _reversed_save(client, url):
    page = client.get(url)
    data = form_data(page.content.decode())
    fields = _order_fields(page)
    assert fields, url
    reorder_inlines(data, fields)
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    return fields


@pytest.mark.parametrize(
    ("model", "children", "field"),
    [
        (Module, lambda m: LearningOutcome.objects.filter(module=m), "position"),
        (Module, lambda m: Topic.objects.filter(module=m), "number"),
        (Topic, lambda t: Task.objects.filter(topic=t), "position"),
        (Task, lambda t: Resource.objects.filter(task=t), "position"),
    ],
    ids=["outcomes", "topics", "tasks", "resources"],
)
def test_reordering_inline_rows_saves_the_new_order(
    client_for, admin_user, content, model, children, field
):
    """Reversing every row swaps positions the unique (parent, position) constraint
    guards: the save renumbers them 1..n in the new order, no IntegrityError."""
    parent = model.objects.filter(
        pk__in=[c.pk for c in model.objects.all() if children(c).count() >= 3]
    ).first()
    before = list(children(parent).order_by(field).values_list("pk", flat=True))
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[parent.pk])
    _reversed_save(_client(client_for, admin_user), url)
    after = list(children(parent).order_by(field).values_list("pk", field))
    assert [pk for pk, _ in after] == before[::-1]
    assert [p for _, p in after] == list(range(1, len(before) + 1))


def test_every_sortable_inline_takes_a_reversed_order(client_for, admin_user, demo):
    """Every change page with sortable inlines saves with all of them reversed at once."""
    client = _client(client_for, admin_user)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if obj is None or not any(
            getattr(i, "default_order_field", None)
            for i in model_admin.get_inline_instances(_request(admin_user), obj)
        ):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        _reversed_save(client, url)
        checked += 1
    assert checked >= 5


def test_swap_delete_and_insert_in_one_save(client_for, admin_user, content):
    task = next(t for t in Task.objects.all() if t.resources.count() >= 3)
    first, second, third, *_ = task.resources.order_by("position")
    rest = list(task.resources.order_by("position").values_list("pk", flat=True))[3:]
    client = _client(client_for, admin_user)
    url = reverse("admin:topics_task_change", args=[task.pk])
    page = client.get(url)
    data = form_data(page.content.decode())
    prefix = next(p for p, f in _order_fields(page).items() if p.startswith("resources"))
    index = {int(data[f"{prefix}-{i}-id"][0]): i for i in range(len(rest) + 3)}
    data[f"{prefix}-{index[first.pk]}-position"] = ["2"]
    data[f"{prefix}-{index[second.pk]}-position"] = ["1"]
    data[f"{prefix}-{index[third.pk]}-DELETE"] = ["on"]
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    new = {"kind": "webpage", "title": "A new page", "url": "https://example.org/new"}
    for name, value in new.items():
        data[f"{prefix}-{total}-{name}"] = [value]
    data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    titles = list(task.resources.order_by("position").values_list("pk", "position"))
    added = task.resources.get(title="A new page")
    assert [pk for pk, _ in titles] == [second.pk, first.pk, *rest, added.pk]
    assert [p for _, p in titles] == list(range(1, len(titles) + 1))


def test_new_task_on_its_own_page_goes_last(client_for, admin_user, content):
    topic = Topic.objects.filter(module=content).first()
    client = _client(client_for, admin_user)
    url = reverse("admin:topics_task_add")
    data = form_data(client.get(url).content.decode())
    data.update(topic=[str(topic.pk)], kind=["explore"], title=["Extra"], instructions=["Do."])
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    assert topic.tasks.get(title="Extra").position == topic.tasks.count()


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_all_errors_are_reported_on_the_first_submit(client_for, admin_user, content):
    """The task's own field, a resource row and a new checklist-less resource each get
    their error in the one answer: nothing waits for a second submit."""
    task = next(t for t in Task.objects.all() if t.resources.count() >= 2)
    client = _client(client_for, admin_user)
    url = reverse("admin:topics_task_change", args=[task.pk])
    page = client.get(url)
    data = form_data(page.content.decode())
    prefix = next(p for p in _order_fields(page) if p.startswith("resources"))
    data["title"] = [""]
    data[f"{prefix}-0-title"] = [""]
    data[f"{prefix}-1-position"] = data[f"{prefix}-0-position"]  # same place: no error now
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-{total}-title"] = ["New, with no kind"]
    data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    resources = next(
        i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix
    )
    assert "title" in form.errors
    assert "title" in resources.forms[0].errors
    assert "kind" in resources.forms[total].errors
    assert Task.objects.get(pk=task.pk).title == task.title
