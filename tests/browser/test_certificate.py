"""The issue's journey in the browser: a trainee who only ticked tasks cannot make the
certificate and sees what is missing; after reviews and outcome links they make it,
download the PDF (its QR code read back to the verification URL) and the badge; the badge
verifies with the independent check, is revoked by withdrawal and verifies again after
restoring."""

import urllib.request

import pytest

from reflections.models import ReflectionTemplate
from reflections.structures import seed_structures
from tests.browser.conftest import ARTIFACTS, follow
from tests.certificate_helpers import finish_tasks, review_every_task
from tests.conftest import PASSWORD
from tests.credentials import verifier
from tests.review.test_certificate_pdf import qr_codes_in


@pytest.fixture
def structures(transactional_db):
    seed_structures(ReflectionTemplate)
    return {t.slug: t for t in ReflectionTemplate.objects.all()}


def test_certificate_earned_with_evidence_and_its_badge(
    live_server, settings, page, browser, axe, content, trainee, tutor, structures, sign_in
):
    base = live_server.url
    settings.PORTAL_BASE_URL = base  # the issuer's URLs, fetched below over HTTP

    def fetch(url: str) -> bytes:
        assert url.startswith(base + "/"), url  # only the live test server, on loopback
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.read()

    # Ticking every task is not enough.
    finish_tasks(trainee, content)
    sign_in(page, trainee.email, PASSWORD)
    page.goto(base + "/dashboard/")
    assert not page.locator(".certificate-notice").count()
    follow(page.locator(".certificate-line a").first)
    assert page.get_by_role("heading", name="Not ready yet").is_visible()
    assert not page.get_by_role("button", name="Make my certificate").count()
    missing = page.locator(".certificate-missing li")
    assert missing.count() == 12 + 3
    assert (
        page.locator(".certificate-missing")
        .get_by_role("link", name="Write the reflection")
        .count()
        == 12
    )
    assert "no reviewed reflection linked" in missing.last.inner_text()
    axe(page)
    page.set_viewport_size({"width": 390, "height": 844})
    ARTIFACTS.mkdir(exist_ok=True)  # screenshots to look at, at phone width
    page.screenshot(path=str(ARTIFACTS / "certificate-not-ready-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # Following a link from the list lands on the task's reflection editor.
    follow(
        page.locator(".certificate-missing").get_by_role("link", name="Write the reflection").first
    )
    assert "#reflect-title" in page.url

    # A tutor reviews a reflection on every task and links the outcomes.
    review_every_task(trainee, tutor, content, structures["free"])
    page.goto(base + "/dashboard/")
    notice = page.locator(".certificate-notice")
    assert "can be made now" in notice.inner_text()
    follow(notice.get_by_role("link", name="make your certificate"))
    follow(page.get_by_role("button", name="Make my certificate"))
    assert "Your record is ready" in page.content()
    axe(page)
    verification_url = page.locator("#verification-url").get_attribute("href")

    # The PDF's QR code reads back as the verification URL.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert qr_codes_in(download.value.path().read_bytes()) == [verification_url]

    # The badge (PNG, baked) verifies with the independent check.
    with page.expect_download() as download:
        page.get_by_role("link", name="Badge image (PNG)").click()
    assert download.value.suggested_filename.endswith(".png")
    token = verifier.jws_from_png(download.value.path().read_bytes())
    result = verifier.verify(token, fetch)
    assert result.ok, result.report()

    # Withdrawn: revoked, and the verification page says it could not be verified.
    follow(page.get_by_role("button", name="Withdraw public verification"))
    result = verifier.verify(token, fetch)
    assert result.revoked is True and not result.ok, result.report()
    visitor = browser.new_context(bypass_csp=True)
    public = visitor.new_page()
    public.goto(verification_url)
    assert public.get_by_role("heading", name="This certificate could not be verified").is_visible()
    axe(public)

    # Restored: it verifies again, and so does the page.
    follow(page.get_by_role("button", name="Allow public verification again"))
    result = verifier.verify(token, fetch)
    assert result.ok, result.report()
    public.goto(verification_url)
    assert public.get_by_role("heading", name="Certificate verified").is_visible()
    assert settings.CREDENTIALS_ISSUER_NAME in public.content()
    axe(public)
    with public.expect_download() as download:
        public.get_by_role("link", name="Download the signed credential").click()
    assert verifier.verify(download.value.path().read_text(), fetch).ok
    visitor.close()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "certificate-made-390.png"), full_page=True)
