import json

import pytest
from django.conf import settings
from django.test import Client

from tests.certificate_helpers import earn
from tests.credentials.verifier import schema_path
from tests.review.conftest import poster, structures  # noqa: F401 - shared fixtures


@pytest.fixture
def fetch():
    """The issuer's published documents, read through the portal's URLs (no network)."""
    client = Client()

    def get(url: str) -> bytes:
        assert url.startswith(settings.PORTAL_BASE_URL), url
        response = client.get(url[len(settings.PORTAL_BASE_URL) :])
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return get


@pytest.fixture
def ob3_schema():
    path = schema_path()
    return json.loads(path.read_text()) if path else None


@pytest.fixture
def certificate(tutor, trainee, structures, content):  # noqa: F811
    from reflections import services

    earn(trainee, tutor, content, structures["free"])
    return services.certificate_issue(user=trainee, module=content)
