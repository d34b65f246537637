"""Who may read what: the issuer's documents are public; a badge download is its holder's
alone (404 for anyone else); a withdrawn certificate's credential is not served. Query
counts stay fixed."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from credentials.models import IssuedCredential, SigningKey
from reflections.models import Certificate

FORMATS = ["json", "jwt", "png", "svg"]


def test_public_documents(certificate):
    client = Client()
    issuer = client.get(reverse("credentials:issuer"))
    assert issuer.status_code == 200 and issuer["Content-Type"] == "application/ld+json"
    assert json.loads(issuer.content)["type"] == ["Profile"]
    key = SigningKey.objects.get()
    assert client.get(reverse("credentials:key", args=[key.key_id])).status_code == 200
    assert client.get(reverse("credentials:key", args=["nope"])).status_code == 404
    assert (
        client.get(reverse("credentials:achievement", args=[certificate.module.slug])).status_code
        == 200
    )
    assert client.get(reverse("credentials:achievement", args=["nope"])).status_code == 404
    assert client.get(reverse("credentials:status_list", args=["1"])).status_code == 200
    assert client.get(reverse("credentials:status_list", args=["2"])).status_code == 404
    issued = IssuedCredential.objects.get()
    assert client.get(issued.get_absolute_url()).status_code == 200
    assert client.get("/credentials/badge/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_download_ladder(client_for, trainee, other_trainee, certificate, fmt):
    url = reverse("credentials:download", args=[certificate.module.slug, fmt])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(other_trainee).get(url).status_code == 404
    assert client_for(trainee).get(url).status_code == 200


def test_unknown_format_and_issue_ladder(client_for, trainee, other_trainee, certificate):
    slug = certificate.module.slug
    assert client_for(trainee).get(f"/credentials/mine/{slug}/badge.exe").status_code == 404
    issue = reverse("credentials:issue", args=[slug])
    assert Client().post(issue).status_code == 302
    other = client_for(other_trainee)
    other.get(reverse("dashboard"))
    assert (
        other.post(issue, {"csrfmiddlewaretoken": other.cookies["csrftoken"].value}).status_code
        == 404
    )
    assert client_for(trainee).get(issue).status_code == 405  # a GET never issues


def test_query_counts(client_for, trainee, certificate, django_assert_max_num_queries, tutor,
                      other_trainee, structures, content):  # fmt: skip
    from reflections import services
    from tests.certificate_helpers import earn

    def counts():
        client, public = client_for(trainee), Client()
        slug = certificate.module.slug
        # The not-ready page's pin is 10; made, it reads the badge too (its panel).
        with django_assert_max_num_queries(11):
            assert client.get(reverse("reflections:certificate", args=[slug])).status_code == 200
        with django_assert_max_num_queries(3):
            assert public.get(f"/verify/{certificate.code}/").status_code == 200
        for fmt in FORMATS:
            with django_assert_max_num_queries(4):
                assert (
                    client.get(reverse("credentials:download", args=[slug, fmt])).status_code == 200
                )
        for name, args in (("issuer", []), ("jwks", []), ("status_list", ["1"])):
            with django_assert_max_num_queries(2):
                assert public.get(reverse(f"credentials:{name}", args=args)).status_code == 200

    counts()
    earn(other_trainee, tutor, content, structures["free"])  # more credentials, more keys
    services.certificate_issue(user=other_trainee, module=content)
    from credentials.keys import signing_key_create

    signing_key_create()
    Certificate.objects.filter(user=other_trainee).update(is_public=False)
    counts()
