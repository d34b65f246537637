"""The certificate PDF (ReportLab): the issuer, the evidence per outcome and a QR code that
reads back as the verification URL; and the public verification pages."""

import io

import pypdfium2
import zxingcpp
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from reflections import services
from reflections.models import Certificate
from tests.certificate_helpers import earn


def qr_codes_in(pdf: bytes) -> list[str]:
    """Every QR code on the PDF's pages, read the way a phone would: the page rendered to
    pixels (PDFium), then decoded (zxing-cpp), independently of segno, which drew it."""
    found = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=3).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    document.close()
    return found


def _issue(trainee, tutor, content, structures):
    earn(trainee, tutor, content, structures["free"])
    return services.certificate_issue(user=trainee, module=content)


def test_pdf_names_issuer_and_evidence_and_its_qr_code_reads_back(
    client_for, tutor, trainee, structures, content
):
    certificate = _issue(trainee, tutor, content, structures)
    pdf = client_for(trainee).get(reverse("reflections:certificate_pdf", args=[content.slug]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert settings.CREDENTIALS_ISSUER_NAME in text
    assert text.count("Evidence: “Reflection on task 1”, reviewed by Dr Gillian Tober") == 3
    assert "Not evidenced" not in text
    assert "Every task completed; every task's reflection reviewed by a tutor" in text
    assert qr_codes_in(pdf.content) == [f"http://testserver/verify/{certificate.code}/"]


def test_verification_names_the_issuer_and_what_it_attests(tutor, trainee, structures, content):
    certificate = _issue(trainee, tutor, content, structures)
    html = Client().get(f"/verify/{certificate.code}/").content.decode()
    assert "Certificate verified" in html
    assert settings.CREDENTIALS_ISSUER_NAME in html
    assert "every learning outcome evidenced by a reviewed reflection" in html


def test_unknown_or_withdrawn_codes_say_could_not_be_verified(
    poster, tutor, trainee, structures, content
):
    certificate = _issue(trainee, tutor, content, structures)
    for code in ("not-a-real-code", "x" * 300, certificate.code[:-1]):
        response = Client().get(f"/verify/{code}/")
        html = response.content.decode()
        assert response.status_code == 404
        assert "This certificate could not be verified" in html
        assert "Page not found" not in html
        assert settings.CREDENTIALS_ISSUER_NAME in html
    poster(trainee).post(
        reverse("reflections:certificate_public", args=[content.slug]), {"public": "0"}
    )
    response = Client().get(f"/verify/{certificate.code}/")
    assert response.status_code == 404
    assert "could not be verified" in response.content.decode()
    assert trainee.get_full_name() not in response.content.decode()
    Certificate.objects.update(is_public=True)
    assert Client().get(f"/verify/{certificate.code}/").status_code == 200


def test_verification_queries_fixed(
    tutor, trainee, structures, content, django_assert_max_num_queries
):
    certificate = _issue(trainee, tutor, content, structures)
    with django_assert_max_num_queries(2):
        assert Client().get(f"/verify/{certificate.code}/").status_code == 200
    with django_assert_max_num_queries(2):
        assert Client().get("/verify/nothing/").status_code == 404
