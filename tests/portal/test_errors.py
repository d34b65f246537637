import pytest
from django.test import Client, override_settings
from django.urls import path

from portal.urls import urlpatterns as portal_urls


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [*portal_urls, path("boom/", broken_view)]


@pytest.mark.django_db
def test_custom_404_in_portal_look(client):
    response = client.get("/definitely/not/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'id="main-content"' in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_custom_500_in_portal_look():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/modules/%F0%9F%92%A5/",
        "/modules/psycho-social-interventions/topics/-1/",
        "/accounts/login/?next=javascript:alert(1)",
        "/accounts/confirm-email/garbage/",
        "/accounts/password/reset/key/garbage/",
        "/?q=%00",
    ],
)
def test_odd_urls_never_500(client, path):
    assert client.get(path).status_code < 500
