"""Large portfolio PDFs are made by a worker: started by a POST, followed on a page with
a progress bar, downloaded by their owner only, for a day."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from notifications.models import Kind, Notification
from reflections import exports, pdf
from reflections.models import ExportJob, RenderedPdf
from reflections.services import reflection_create

pytestmark = pytest.mark.django_db
START = reverse("reflections:export", args=["pdf"])


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(exports, "BACKGROUND_OVER", 3)
    monkeypatch.setattr(exports, "LAYOUT_STEP", 2)


def _write(author, n, structures):
    for i in range(n):
        reflection_create(author=author, title=f"Reflection {i}", body=f"Day {i}.",
                          template=structures["free"])  # fmt: skip


def _post(client, path, data=None):
    client.get(reverse("reflections:portfolio"))
    token = client.cookies["csrftoken"].value
    return client.post(path, {**(data or {}), "csrfmiddlewaretoken": token})


def test_a_small_pdf_is_still_made_in_the_request(client_for, trainee, structures):
    _write(trainee, 3, structures)
    response = client_for(trainee).get(START)
    assert response["Content-Type"] == "application/pdf"
    assert not ExportJob.objects.exists()


def test_a_large_pdf_is_offered_by_get_and_started_by_post(client_for, trainee, structures):
    _write(trainee, 5, structures)
    client = client_for(trainee)
    portfolio = client.get(reverse("reflections:portfolio")).content.decode()
    assert f'<form method="post" action="{START}"' in portfolio  # the button posts
    page = client.get(START)
    assert page.status_code == 200 and "5 reflections to lay out" in page.content.decode()
    assert not ExportJob.objects.exists()  # a GET changes nothing
    response = _post(client, START)
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.owner, job.state, job.total, job.done) == (trainee, "queued", 5, 0)
    assert _post(client, START)["Location"] == job.get_absolute_url()  # a second click
    assert ExportJob.objects.count() == 1


def test_the_worker_lays_out_step_by_step_then_offers_the_file(
    client_for, trainee, structures, run_jobs, monkeypatch
):
    _write(trainee, 5, structures)
    client = client_for(trainee)
    _post(client, START)
    job = ExportJob.objects.get()
    progress = []
    original = pdf.reflection_fragments

    def counting(reflections, **kwargs):
        progress.append(ExportJob.objects.get(pk=job.pk).done)
        return original(reflections, **kwargs)

    monkeypatch.setattr(pdf, "reflection_fragments", counting)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "0 of 5 reflections laid out" in page and 'hx-trigger="every 2s"' in page
    assert "Check again" in page  # without JavaScript
    run_jobs()
    assert progress[:3] == [0, 2, 4]  # two at a time, counted as they go
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("ready", 5, 5)
    assert job.expires_at == job.finished_at + timedelta(days=1)
    assert RenderedPdf.objects.count() == 5
    partial = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial  # polling stops
    assert "Your PDF is ready" in partial and "5 of 5 reflections laid out" in partial
    download = client.get(reverse("reflections:export_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="portfolio-')
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.content)).pages)
    assert all(f"Reflection {i}" in text for i in range(5))
    notice = Notification.objects.get(recipient=trainee, kind=Kind.EXPORT_READY)
    assert notice.url == job.get_absolute_url() and "5 reflections" in notice.text


def test_an_export_is_private_to_its_owner(client, client_for, trainee, other_trainee, structures,
                                           run_jobs):  # fmt: skip
    _write(trainee, 4, structures)
    job = exports.export_job_start(owner=trainee)
    run_jobs()
    status = job.get_absolute_url()
    download = reverse("reflections:export_download", args=[job.pk])
    for url in (status, download):
        assert client.get(url)["Location"].startswith(reverse("account_login"))
        assert client_for(other_trainee).get(url).status_code == 404
        assert client_for(trainee).get(url).status_code == 200


def test_an_expired_export_says_so_and_its_file_is_gone(client_for, trainee, structures, run_jobs):
    _write(trainee, 4, structures)
    job = exports.export_job_start(owner=trainee)
    run_jobs()
    job.refresh_from_db()
    # A day passes: the expiry job, queued for then, erases the file.
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    run_jobs(until=job.expires_at + timedelta(seconds=1))
    job.refresh_from_db()
    assert job.state == "expired" and job.file is None
    client = client_for(trainee)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "This export has expired" in page and "Export again" in page
    response = client.get(reverse("reflections:export_download", args=[job.pk]))
    assert response.status_code == 410 and "This export has expired" in response.content.decode()


def test_past_its_day_a_file_is_refused_even_before_it_is_erased(client_for, trainee, structures,
                                                                 run_jobs):  # fmt: skip
    _write(trainee, 4, structures)
    job = exports.export_job_start(owner=trainee)
    run_jobs()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_for(trainee).get(reverse("reflections:export_download", args=[job.pk]))
    assert response.status_code == 410


def test_pruning_erases_files_past_their_day_and_old_rows(trainee, structures, run_jobs):
    _write(trainee, 4, structures)
    job = exports.export_job_start(owner=trainee)
    run_jobs()
    assert exports.export_jobs_prune() == (0, 0)
    later = timezone.now() + timedelta(days=2)
    assert exports.export_jobs_prune(now=later) == (1, 0)
    assert exports.export_jobs_prune(now=later + timedelta(days=31)) == (0, 1)
    assert not ExportJob.objects.filter(pk=job.pk).exists()


def test_a_failed_export_says_so_and_offers_another_try(client_for, trainee, structures, run_jobs,
                                                        monkeypatch):  # fmt: skip
    _write(trainee, 4, structures)
    job = exports.export_job_start(owner=trainee)

    def broken(*args, **kwargs):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(pdf, "reflection_fragments", broken)
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed"
    page = client_for(trainee).get(job.get_absolute_url())
    assert page.status_code == 200 and "could not be made" in page.content.decode()
    assert not Notification.objects.filter(kind=Kind.EXPORT_READY).exists()


def test_running_the_job_twice_makes_one_file(trainee, structures, run_jobs):
    _write(trainee, 4, structures)
    job = exports.export_job_start(owner=trainee)
    assert exports.export_job_build(job_id=job.pk) == "ready"
    assert exports.export_job_build(job_id=job.pk) == "not waiting"
    assert Notification.objects.filter(kind=Kind.EXPORT_READY).count() == 1


@pytest.mark.parametrize("n", [4, 12])
def test_export_pages_query_counts_are_fixed(n, client_for, trainee, structures, run_jobs,
                                             django_assert_max_num_queries):  # fmt: skip
    _write(trainee, n, structures)
    job = exports.export_job_start(owner=trainee)
    client = client_for(trainee)
    client.get(job.get_absolute_url())
    with django_assert_max_num_queries(3):  # session, user, the export
        assert client.get(job.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(3):
        client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    run_jobs()
    with django_assert_max_num_queries(3):
        assert client.get(reverse("reflections:export_download", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("n", [4, 12])
def test_starting_an_export_query_counts_are_fixed(n, client_for, trainee, structures,
                                                   django_assert_max_num_queries):  # fmt: skip
    _write(trainee, n, structures)
    client = client_for(trainee)
    client.get(reverse("reflections:portfolio"))
    token = client.cookies["csrftoken"].value
    with django_assert_max_num_queries(5):  # the offer: session, user, reflections, sign-offs
        assert client.get(START).status_code == 200
    # session, user, any export under way, the count, the export and its job (in a savepoint)
    with django_assert_max_num_queries(9):
        assert client.post(START, {"csrfmiddlewaretoken": token}).status_code == 302
    with django_assert_max_num_queries(5):  # a second click finds the one under way
        assert client.post(START, {"csrfmiddlewaretoken": token}).status_code == 302


def test_a_module_export_is_started_for_that_module_only(client_for, trainee, content, structures,
                                                         other_trainee):  # fmt: skip
    for i in range(5):
        reflection_create(author=trainee, module=content, title=f"R{i}",
                          template=structures["free"])  # fmt: skip
    _write(trainee, 2, structures)  # free reflections, in no module
    client = client_for(trainee)
    page = client.get(START + f"?module={content.slug}").content.decode()
    assert f'name="module" value="{content.slug}"' in page
    _post(client, START, {"module": content.slug})
    job = ExportJob.objects.get()
    assert job.module == content and job.total == 5
    assert _post(client, START, {"module": "no-such-module"}).status_code == 404
