"""The admin edits all content without code; every admin page opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from topics.models import Task


def test_admin_edit_of_task_instructions_shows_on_task_page(
    client_for, admin_user, trainee, content
):
    task = Task.objects.get(topic__module=content, topic__number=1, position=2)
    client = client_for(admin_user)
    change_url = reverse("admin:topics_task_change", args=[task.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    form = page.context["adminform"].form

    def value(bound):
        v = bound.value()
        return "" if v is None else v

    data = {name: value(form[name]) for name in form.fields}
    data["instructions"] = "Edited in the admin: **argue both sides** first."
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for f in fs.forms:
            data.update({f.add_prefix(name): value(f[name]) for name in f.fields})
    client_plain = client_for(admin_user)
    client_plain.handler.enforce_csrf_checks = False
    response = client_plain.post(change_url, data)
    if response.status_code != 302:
        errors = [response.context["adminform"].form.errors]
        errors += [fs.formset.errors for fs in response.context["inline_admin_formsets"]]
        raise AssertionError(errors)
    html = client_for(trainee).get(task.get_absolute_url()).content.decode()
    assert "Edited in the admin: <strong>argue both sides</strong> first." in html


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admin_models():
    return [m for m in apps.get_models() if m in admin.site._registry]


def test_every_admin_changelist_and_form_opens(client_for, admin_user, content):
    client = client_for(admin_user)
    for model in _admin_models():
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        add = client.get(reverse("admin:{}_{}_add".format(*info))).status_code
        # Read-only records (jobs, notifications, emails) have no add form.
        read_only = not admin.site._registry[model].has_add_permission(_request(admin_user))
        assert add == (403 if read_only else 200), info
        obj = model.objects.first()
        if obj is not None:
            url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert client.get(url).status_code == 200, info
        search = client.get(reverse("admin:{}_{}_changelist".format(*info)) + "?q=motivation")
        assert search.status_code == 200, info


def test_admin_shows_markdown_preview(client_for, admin_user, content):
    task = Task.objects.filter(topic__module=content).first()
    html = client_for(admin_user).get(reverse("admin:topics_task_change", args=[task.pk])).content
    assert b"Preview of the rendered text" in html


@pytest.mark.parametrize("role", ["trainee", "tutor"])
def test_non_staff_cannot_reach_admin(client_for, make_user, role):
    user = make_user(role=role)
    response = client_for(user).get("/admin/topics/task/")
    assert response.status_code in (302, 403)
