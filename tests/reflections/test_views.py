import re

import pytest
from django.urls import reverse

from reflections.models import Reflection, ReflectionTemplate
from reflections.services import reflection_save, reflection_submit
from tests.factories import make_module
from topics.models import Task


def urls_for(reflection) -> dict[str, str]:
    pk = reflection.pk
    return {
        "detail": reverse("reflections:detail", args=[pk]),
        "edit": reverse("reflections:edit", args=[pk]),
        "history": reverse("reflections:history", args=[pk]),
        "delete": reverse("reflections:delete", args=[pk]),
    }


def post_urls_for(reflection) -> dict[str, str]:
    pk = reflection.pk
    return {
        "edit": reverse("reflections:edit", args=[pk]),
        "autosave": reverse("reflections:autosave", args=[pk]),
        "restore": reverse("reflections:restore", args=[pk, 1]),
        "submit": reverse("reflections:submit", args=[pk]),
        "withdraw": reverse("reflections:withdraw", args=[pk]),
        "delete": reverse("reflections:delete", args=[pk]),
    }


def form_data(reflection, **changes):
    data = {
        "title": reflection.title,
        "body": reflection.body,
        "cpd_minutes": reflection.cpd_minutes,
        "version": reflection.version,
        "action": "save",
    }
    data.update(changes)
    return data


# --- who may see what ---------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee)
    anonymous = client_for(None)
    gets = [
        reverse("reflections:portfolio"),
        reverse("reflections:new"),
        reverse("reflections:export", args=["pdf"]),
        *urls_for(reflection).values(),
    ]
    for url in gets:
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    plain = type(anonymous)()  # no CSRF enforcement: the sign-in check must come first
    for url in [*post_urls_for(reflection).values(), reverse("reflections:preview")]:
        response = plain.post(url, form_data(reflection))
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    assert Reflection.objects.get(pk=reflection.pk).version == 1


@pytest.mark.parametrize("intruder", ["other_trainee", "tutor", "admin_user"])
def test_nobody_else_reaches_a_reflection(request, poster, trainee, make_reflection, intruder):
    """Private to its author: other trainees, the module's tutor and staff all get 404."""
    reflection = make_reflection(trainee, title="Private thoughts")
    reflection_submit(reflection=reflection, by=trainee)  # submitted: still private for now
    client = poster(request.getfixturevalue(intruder))
    for name, url in urls_for(reflection).items():
        assert client.get(url).status_code == 404, name
    for name, url in post_urls_for(reflection).items():
        assert client.post(url, form_data(reflection)).status_code == 404, name
    for fmt in ["pdf", "html", "markdown"]:
        response = client.get(reverse("reflections:export", args=[fmt]))
        assert response.status_code == 200
    html = client.get(reverse("reflections:export", args=["html"])).content.decode()
    assert "Private thoughts" not in html
    assert "Private thoughts" not in client.get(reverse("reflections:portfolio")).content.decode()
    reflection.refresh_from_db()
    assert (reflection.status, reflection.version) == ("submitted", 1)


def test_author_reaches_every_page(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee)
    client = client_for(trainee)
    for name, url in urls_for(reflection).items():
        assert client.get(url).status_code == 200, name
    assert client.get(reverse("reflections:portfolio")).status_code == 200
    assert client.get(reverse("reflections:new")).status_code == 200


def test_signed_out_htmx_calls_get_401_not_the_sign_in_page(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee)
    anonymous = type(client_for(None))()
    for url in [reverse("reflections:autosave", args=[reflection.pk]), "/portfolio/preview/"]:
        response = anonymous.post(url, form_data(reflection), HTTP_HX_REQUEST="true")
        assert response.status_code == 401, url


def test_every_post_needs_the_csrf_token(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee)
    client = client_for(trainee)  # enforces CSRF
    for name, url in [*post_urls_for(reflection).items(), ("preview", "/portfolio/preview/")]:
        assert client.post(url, form_data(reflection)).status_code == 403, name
    new = reverse("reflections:new")
    assert client.post(new, {"title": "x"}).status_code == 403
    assert Reflection.objects.get(pk=reflection.pk).version == 1


def test_exports_are_404_for_unknown_format_or_module(client_for, trainee):
    client = client_for(trainee)
    assert client.get(reverse("reflections:export", args=["docx"])).status_code == 404
    url = reverse("reflections:export", args=["html"]) + "?module=nope"
    assert client.get(url).status_code == 404


# --- the lightbulb and starting a reflection ----------------------------------------


def test_lightbulb_links_to_new_and_own_reflections_only(
    client_for, trainee, other_trainee, make_reflection, task
):
    mine = make_reflection(trainee, title="Mine on this task")
    make_reflection(other_trainee, title="Someone else's")
    make_reflection(trainee, title="Free one", with_task=False)
    html = client_for(trainee).get(task.get_absolute_url()).content.decode()
    assert f"/portfolio/new/?task={task.pk}" in html
    assert "Write another reflection" in html
    assert "Mine on this task" in html
    assert reverse("reflections:edit", args=[mine.pk]) in html
    assert "Someone else" not in html
    assert "Free one" not in html
    other_task = Task.objects.exclude(pk=task.pk).first()
    html = client_for(trainee).get(other_task.get_absolute_url()).content.decode()
    assert "Mine on this task" not in html
    assert "Write a reflection" in html


@pytest.mark.parametrize(
    "slug,headings",
    [
        ("free", []),
        ("gibbs", ["Description", "Feelings", "Evaluation", "Analysis", "Conclusion"]),
        ("what-so-what-now-what", ["What?", "So what?", "Now what?"]),
    ],
)
def test_start_a_reflection_on_a_task_with_each_structure(
    client_for, poster, trainee, structures, task, slug, headings
):
    url = reverse("reflections:new") + f"?task={task.pk}&structure={slug}"
    page = client_for(trainee).get(url)
    html = page.content.decode()
    assert "Why is motivation important?" in html  # the task's prompt beside the form
    assert re.search(rf'value="{structures[slug].pk}"[^>]*checked', html)
    response = poster(trainee).post(url, {"title": "Day one", "structure": structures[slug].pk})
    reflection = Reflection.objects.get(author=trainee)
    assert response.status_code == 302
    assert response["Location"] == reverse("reflections:edit", args=[reflection.pk])
    assert reflection.task == task and reflection.module == task.topic.module
    assert reflection.template == structures[slug]
    for heading in headings:
        assert f"## {heading}" in reflection.body
    editor = client_for(trainee).get(response["Location"]).content.decode()
    assert "Why is motivation important?" in editor
    assert f"<h2>{headings[0]}</h2>" in editor if headings else "Nothing to preview yet" in editor


def test_free_reflection_may_name_a_module(poster, trainee, structures, content):
    response = poster(trainee).post(
        reverse("reflections:new"),
        {"title": "Supervision", "structure": structures["free"].pk, "module": content.pk},
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get(author=trainee)
    assert (reflection.task, reflection.module) == (None, content)


def test_new_reflection_errors_sit_next_to_fields(poster, trainee, structures, task):
    url = reverse("reflections:new") + f"?task={task.pk}"
    response = poster(trainee).post(url, {"title": "   ", "structure": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please give your reflection a title." in html
    assert html.count("is-invalid") >= 2
    assert not Reflection.objects.exists()


def test_new_reflection_without_any_structure_starts_free(poster, trainee, structures, task):
    ReflectionTemplate.objects.update(is_active=False)
    response = poster(trainee).post(reverse("reflections:new"), {"title": "Plain"})
    assert response.status_code == 302
    assert Reflection.objects.get().body == ""


@pytest.mark.parametrize("task_param", ["99999", "abc"])
def test_unknown_task_is_404(client_for, trainee, structures, task_param):
    url = reverse("reflections:new") + f"?task={task_param}"
    assert client_for(trainee).get(url).status_code == 404


def test_task_of_a_module_not_taught_here_is_404(client_for, trainee, structures):
    module = make_module(slug="elsewhere", offered=False)
    from tests.factories import grow_module

    grow_module(module, extra=1)
    task = Task.objects.filter(topic__module=module).first()
    url = reverse("reflections:new") + f"?task={task.pk}"
    assert client_for(trainee).get(url).status_code == 404


# --- the editor -----------------------------------------------------------------------


def test_save_keeps_a_version_and_redirects_back(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    url = reverse("reflections:edit", args=[reflection.pk])
    response = poster(trainee).post(url, form_data(reflection, body="Better", cpd_minutes=45))
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert (reflection.body, reflection.cpd_minutes, reflection.version) == ("Better", 45, 2)
    assert reflection.versions.count() == 2


def test_lost_update_second_tab_is_refused_and_its_text_shown_back(
    poster, trainee, make_reflection
):
    reflection = make_reflection(trainee, body="Original")
    url = reverse("reflections:edit", args=[reflection.pk])
    client = poster(trainee)
    first = client.post(url, form_data(reflection, body="Written in tab one"))
    assert first.status_code == 302
    second = client.post(url, form_data(reflection, body="Written in tab *two*"))
    assert second.status_code == 409
    html = second.content.decode()
    assert "Your changes were not saved" in html
    assert "changed in another tab or window" in html
    assert "Written in tab *two*</textarea>" in html  # the refused text, back in the editor
    assert "Written in tab one" in html  # and the version saved elsewhere, to compare
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    reflection.refresh_from_db()
    assert (reflection.body, reflection.version) == ("Written in tab one", 2)
    again = client.post(url, form_data(reflection, body="Written in tab *two*", version=2))
    assert again.status_code == 302
    reflection.refresh_from_db()
    assert (reflection.body, reflection.version) == ("Written in tab *two*", 3)


def test_editor_errors_sit_next_to_fields_and_keep_the_text(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    url = reverse("reflections:edit", args=[reflection.pk])
    response = poster(trainee).post(
        url, form_data(reflection, title="", body="x" * 50_001, cpd_minutes=7000)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please give your reflection a title" in html or "This field is required" in html
    assert "A reflection can hold up to 50000 characters (this one has 50001)" in html
    assert "Up to 6000 minutes (100 hours)" in html
    assert html.count("is-invalid") == 3
    assert "x" * 50_001 in html
    assert Reflection.objects.get(pk=reflection.pk).version == 1


def test_preview_button_renders_without_saving(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    url = reverse("reflections:edit", args=[reflection.pk])
    response = poster(trainee).post(url, form_data(reflection, body="## Seen", action="preview"))
    assert response.status_code == 200
    assert "<h2>Seen</h2>" in response.content.decode()
    assert Reflection.objects.get(pk=reflection.pk).version == 1


def test_save_and_submit(poster, client_for, trainee, make_reflection):
    reflection = make_reflection(trainee)
    url = reverse("reflections:edit", args=[reflection.pk])
    response = poster(trainee).post(url, form_data(reflection, body="Final", action="submit"))
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert (reflection.status, reflection.body) == ("submitted", "Final")
    # read-only now: the editor sends the author to the reflection
    page = client_for(trainee).get(url)
    assert page.status_code == 302 and page["Location"] == reflection.get_absolute_url()
    detail = client_for(trainee).get(reflection.get_absolute_url()).content.decode()
    assert "Withdraw to draft" in detail
    assert reverse("reflections:edit", args=[reflection.pk]) not in detail


def test_save_after_submission_elsewhere_keeps_the_text(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    reflection_submit(reflection=reflection, by=trainee)
    url = reverse("reflections:edit", args=[reflection.pk])
    response = poster(trainee).post(url, form_data(reflection, body="Late words"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "can no longer be changed" in html
    assert "Late words</textarea>" in html
    assert "Save draft" not in html


def test_submit_and_withdraw_buttons(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    client = poster(trainee)
    stale = client.post(reverse("reflections:submit", args=[reflection.pk]), {"version": 0})
    assert stale.status_code == 302
    assert Reflection.objects.get(pk=reflection.pk).status == "draft"
    client.post(reverse("reflections:submit", args=[reflection.pk]), {"version": 1})
    assert Reflection.objects.get(pk=reflection.pk).status == "submitted"
    client.post(reverse("reflections:withdraw", args=[reflection.pk]))
    assert Reflection.objects.get(pk=reflection.pk).status == "draft"


def test_delete_draft(poster, client_for, trainee, make_reflection):
    reflection = make_reflection(trainee)
    url = reverse("reflections:delete", args=[reflection.pk])
    assert "Delete this draft?" in client_for(trainee).get(url).content.decode()
    response = poster(trainee).post(url)
    assert response["Location"] == reverse("reflections:portfolio")
    assert not Reflection.objects.filter(pk=reflection.pk).exists()


# --- autosave and live preview (htmx) --------------------------------------------------


def test_autosave_returns_status_and_the_new_version(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    url = reverse("reflections:autosave", args=[reflection.pk])
    client = poster(trainee)
    response = client.post(url, form_data(reflection, body="typing..."), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-autosave-result="saved"' in html
    assert "(version 2)" in html
    assert re.search(r'<input[^>]*name="version" value="2"[^>]*hx-swap-oob="true"', html)
    # The next autosave carries the new number and is accepted.
    response = client.post(url, form_data(reflection, body="typing more", version=2))
    assert 'data-autosave-result="saved"' in response.content.decode()
    reflection.refresh_from_db()
    assert (reflection.body, reflection.version) == ("typing more", 3)
    assert list(reflection.versions.values_list("kind", flat=True)) == ["autosaved", "created"]


def test_stale_autosave_is_refused_with_a_message(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    reflection_save(
        reflection=reflection, by=trainee, expected_version=1, title="t", body="b", cpd_minutes=0
    )
    url = reverse("reflections:autosave", args=[reflection.pk])
    response = poster(trainee).post(url, form_data(reflection, body="stale", version=1))
    html = response.content.decode()
    assert 'data-autosave-result="refused"' in html
    assert "changed in another tab or window" in html
    assert Reflection.objects.get(pk=reflection.pk).body == "b"


def test_invalid_autosave_says_why(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    url = reverse("reflections:autosave", args=[reflection.pk])
    response = poster(trainee).post(url, form_data(reflection, cpd_minutes=-5))
    html = response.content.decode()
    assert 'data-autosave-result="invalid"' in html
    assert "Minutes cannot be negative" in html


def test_live_preview_renders_markdown(poster, trainee):
    response = poster(trainee).post(reverse("reflections:preview"), {"body": "## Feelings\n*ok*"})
    assert response.status_code == 200
    assert response.content.decode().strip() == "<h2>Feelings</h2>\n<p><em>ok</em></p>"
    empty = poster(trainee).post(reverse("reflections:preview"), {"body": ""})
    assert "Nothing to preview yet" in empty.content.decode()


def test_editor_wires_autosave_and_preview(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee)
    html = client_for(trainee).get(reverse("reflections:edit", args=[reflection.pk])).content
    html = html.decode()
    assert f'hx-post="/portfolio/{reflection.pk}/autosave/"' in html
    assert 'hx-trigger="input changed delay:2s, autosave-retry"' in html
    assert 'hx-post="/portfolio/preview/"' in html
    assert "js/reflections.js" in html
    assert " style=" not in html and "<script>" not in html


# --- history and restore ---------------------------------------------------------------


def test_history_lists_versions_and_restore_creates_a_new_one(
    poster, client_for, trainee, make_reflection
):
    reflection = make_reflection(trainee, body="First words")
    reflection_save(
        reflection=reflection,
        by=trainee,
        expected_version=1,
        title=reflection.title,
        body="Second words",
        cpd_minutes=10,
    )
    history = client_for(trainee).get(reverse("reflections:history", args=[reflection.pk]))
    html = history.content.decode()
    assert "Version 2 (current)" in html and "Version 1:" in html
    assert "First words" in html and "Second words" in html
    assert html.count("Restore version") == 1
    response = poster(trainee).post(
        reverse("reflections:restore", args=[reflection.pk, 1]), {"version": 2}
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert (reflection.body, reflection.version) == ("First words", 3)
    html = client_for(trainee).get(reverse("reflections:history", args=[reflection.pk]))
    html = html.content.decode()
    assert "Restored from version 1" in html
    assert "Second words" in html


def test_restore_from_a_stale_history_page_is_refused(poster, trainee, make_reflection):
    reflection = make_reflection(trainee)
    client = poster(trainee)
    url = reverse("reflections:restore", args=[reflection.pk, 1])
    client.post(reverse("reflections:edit", args=[reflection.pk]), form_data(reflection, body="b"))
    response = client.post(url, {"version": 1}, follow=True)
    assert "Not restored" in response.content.decode()
    assert Reflection.objects.get(pk=reflection.pk).version == 2
    missing = client.post(reverse("reflections:restore", args=[reflection.pk, 9]), {"version": 2})
    assert missing.status_code == 404


# --- the sanitiser -----------------------------------------------------------------------

HOSTILE = (
    "## Fine\n<script>alert('x')</script>\n<img src=x onerror=alert(1)>\n"
    "[click](javascript:alert(2))\n<iframe src='https://evil.example'></iframe>\n"
)


def _assert_clean(html: str) -> None:
    if 'id="main-content"' in html:  # a page: its own scripts are in <head>
        html = html.split('id="main-content"')[1].split("</main>")[0]
    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered


def test_reflection_bodies_pass_the_sanitiser_everywhere(
    poster, client_for, trainee, make_reflection
):
    reflection = make_reflection(trainee, body=HOSTILE)
    client = client_for(trainee)
    for url in [
        reflection.get_absolute_url(),
        reverse("reflections:history", args=[reflection.pk]),
        reverse("reflections:portfolio"),
    ]:
        html = client.get(url).content.decode()
        assert "<h2>Fine</h2>" in html or "Fine" in html
        _assert_clean(html)
    _assert_clean(
        poster(trainee).post(reverse("reflections:preview"), {"body": HOSTILE}).content.decode()
    )
    # In the editor the raw text sits escaped inside the textarea, and the preview is clean.
    editor = client.get(reverse("reflections:edit", args=[reflection.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in editor
    _assert_clean(re.sub(r"<textarea.*?</textarea>", "", editor, flags=re.S))
    _assert_clean(client.get(reverse("reflections:export", args=["html"])).content.decode())
