"""A supervisor's sign-off is part of the trainee's portfolio: its page, and every export."""

import io
import zipfile

from django.utils import timezone
from pypdf import PdfReader

from reflections import exports
from reflections.models import RenderedPdf
from reflections.pdf import portfolio_pdf
from reflections.services import reflection_create
from studygroups import services

from .conftest import place


def _signed_off(group, bob, supervisor_of, *, comment="A **good** plan."):
    person, _ = supervisor_of(group)
    reflection = reflection_create(author=bob, title="Open questions", body="My text.")
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    services.signoff_add(share=share, by=person, discussed_on=timezone.localdate(), comment=comment)
    return reflection, share


def test_html_and_markdown_exports_carry_the_signoff(group, bob, supervisor_of):
    _signed_off(group, bob, supervisor_of)
    today = timezone.localdate()
    statement = f"Discussed in supervision on {today.day} {today:%B %Y}"
    portfolio = exports.build_portfolio(bob)
    html = exports.to_html(portfolio)[0].decode()
    assert statement in html and "Dr Sam Supervisor" in html and "<strong>good</strong>" in html
    archive = zipfile.ZipFile(io.BytesIO(exports.to_markdown_zip(portfolio)[0]))
    (name,) = [n for n in archive.namelist() if not n.endswith("index.md")]
    text = archive.read(name).decode()
    assert "## Sign-offs" in text and statement in text and "> A **good** plan." in text


def test_the_pdf_is_laid_out_again_once_signed_off(group, bob, supervisor_of):
    reflection = reflection_create(author=bob, title="Before", body="Text.")
    pdf = portfolio_pdf(exports.build_portfolio(bob))
    key = RenderedPdf.objects.get(reflection=reflection).key
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    person, _ = supervisor_of(group)
    services.signoff_add(share=share, by=person, discussed_on=timezone.localdate())
    pdf = portfolio_pdf(exports.build_portfolio(bob))
    assert RenderedPdf.objects.get(reflection=reflection).key != key
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Discussed in supervision on" in " ".join(text.split())


def test_the_signoff_stays_when_sharing_stops(group, bob, supervisor_of):
    reflection, share = _signed_off(group, bob, supervisor_of)
    services.reflection_unshare(share=share, by=bob)
    portfolio = exports.build_portfolio(bob)
    assert "Dr Sam Supervisor" in exports.to_html(portfolio)[0].decode()
