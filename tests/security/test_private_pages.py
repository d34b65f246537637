"""Finding 7: every answer to a signed-in person says ``Cache-Control: private, no-cache``
(kept pages replayed from the cache too); public pages are left as they were."""

from django.test import override_settings
from django.urls import reverse

from tests.kept_pages import keep

from .helpers import browser


def _private(response) -> bool:
    parts = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    return {"private", "no-cache"} <= parts


def test_signed_in_pages_are_private_first_visit_and_kept_replay(ann, group):
    client = browser(ann)
    for url in (reverse("dashboard"), group.get_absolute_url(), reverse("studygroups:list")):
        keep(client, url)  # the second visit keeps the page
        replay = client.get(url)
        assert replay.status_code == 200
        assert _private(replay), (url, replay.get("Cache-Control"))


def test_signed_in_errors_redirects_and_posts_are_private(ann, group):
    client = browser(ann)
    assert _private(client.get("/groups/999999/"))  # 404
    assert _private(client.get(reverse("account")))
    client.get("/")
    response = client.post(
        reverse("studygroups:join_code"),
        {"code": "WRONG123", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert _private(response)


def test_kept_page_replay_keeps_no_other_cache_headers_of_the_first_answer(ann):
    client = browser(ann)
    keep(client, reverse("dashboard"))
    with override_settings(PAGE_CACHE_SECONDS=60):
        replay = client.get(reverse("dashboard"))
    assert replay.get("Cache-Control").count("private") == 1


def test_public_pages_are_unchanged(content):
    client = browser()
    for url in ("/", "/modules/psycho-social-interventions/", "/library/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "private" not in response.get("Cache-Control", ""), url
    assert "public" in client.get("/sitemap.xml").get("Cache-Control", "")


def test_a_supervisors_pages_are_private(ann, group, supervisor_of):
    _, path = supervisor_of(group)
    client = browser()
    assert client.get(path).status_code == 302
    response = client.get(group.get_absolute_url())
    assert response.status_code == 200 and _private(response)
