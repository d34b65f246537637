"""Found by the fuzz run: the admin's autocomplete fields, shown back after a refused
form, looked up the values as sent (``tutor=[]``: a 500), and so did an action on ticked
rows (``_selected_action=abc``). Now the form, or the list, says what is wrong."""

import pytest

from .helpers import browser, post

HUGE = str(10**30)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/admin/reflections/feedback/add/", "tutor"),
        ("/admin/reflections/reflection/add/", "author"),
        ("/admin/modules/enrolment/add/", "user"),
    ],
)
def test_an_autocomplete_field_with_a_value_that_is_no_key(admin_user, content, url, field):
    client = browser(admin_user)
    for bad in ("[]", "abc", HUGE, "²", "-1"):
        response = post(client, url, {field: bad, "text": "x", "title": "x"})
        assert response.status_code == 200, (bad, response.status_code)
        assert "Select a valid choice" in response.content.decode(), bad


def test_an_action_on_rows_that_are_no_keys(admin_user, content):
    from topics.models import Topic

    client = browser(admin_user)
    topic = Topic.objects.first()
    for bad in (["a\r\nb"], ["abc", str(topic.pk)], [HUGE], ["²"]):
        response = post(
            client,
            "/admin/topics/topic/",
            {"action": "delete_selected", "_selected_action": bad, "index": "0"},
        )
        assert response.status_code in (200, 302), (bad, response.status_code)
    assert Topic.objects.filter(pk=topic.pk).exists()  # shown the confirmation, not deleted
