"""The PDF export keeps each reflection's layout and redoes only what changed."""

import io
import re

from pypdf import PdfReader

from reflections import pdf
from reflections.exports import build_portfolio
from reflections.models import RenderedPdf
from reflections.services import reflection_save, reflection_submit


def _laid_out(monkeypatch) -> list[int]:
    """Record how many reflections each WeasyPrint pass lays out."""
    counts: list[int] = []
    original = pdf._render_fragments

    def counting(items):
        counts.append(len(items))
        return original(items)

    monkeypatch.setattr(pdf, "_render_fragments", counting)
    return counts


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_layouts_are_kept_and_only_changes_are_laid_out_again(
    monkeypatch, trainee, make_reflection
):
    first = make_reflection(trainee, title="First")
    second = make_reflection(trainee, title="Second")
    counts = _laid_out(monkeypatch)
    pdf.portfolio_pdf(build_portfolio(trainee))
    assert counts == [2]
    assert RenderedPdf.objects.filter(reflection__in=[first, second]).count() == 2
    pdf.portfolio_pdf(build_portfolio(trainee))
    assert counts == [2, 0]
    reflection_save(
        reflection=second,
        by=trainee,
        expected_version=1,
        title="Second, revised",
        body="New words",
        cpd_minutes=5,
    )
    data = pdf.portfolio_pdf(build_portfolio(trainee))
    assert counts == [2, 0, 1]
    assert "Second, revised" in _text(data) and "New words" in _text(data)
    # A change that only shows in the layout (the status) is noticed too.
    reflection_submit(reflection=first, by=trainee)
    pdf.portfolio_pdf(build_portfolio(trainee))
    assert counts == [2, 0, 1, 1]


def test_a_new_name_lays_everything_out_again(monkeypatch, trainee, make_reflection):
    make_reflection(trainee)
    counts = _laid_out(monkeypatch)
    pdf.portfolio_pdf(build_portfolio(trainee))
    trainee.full_name = "Renamed Person"
    trainee.save()
    data = pdf.portfolio_pdf(build_portfolio(trainee))
    assert counts == [1, 1]
    assert "Renamed Person" in _text(data)


def test_saves_queue_the_layout_as_a_job_and_autosaves_are_throttled(
    monkeypatch, trainee, make_reflection, run_jobs
):
    reflection = make_reflection(trainee)
    run_jobs()
    RenderedPdf.objects.all().delete()
    counts = _laid_out(monkeypatch)

    def save(version, autosave):
        reflection_save(
            reflection=reflection,
            by=trainee,
            expected_version=version,
            title="T",
            body=f"v{version}",
            cpd_minutes=0,
            autosave=autosave,
        )
        assert counts == laid_out  # the save itself lays out nothing
        run_jobs()

    laid_out: list[int] = []
    save(1, autosave=True)  # nothing kept yet: laid out by the job
    laid_out = [1]
    save(2, autosave=True)  # laid out a moment ago: skipped while typing
    save(3, autosave=False)  # an explicit save always lays out
    assert counts == [1, 1]
    assert RenderedPdf.objects.get(reflection=reflection).pages >= 1
    pdf.portfolio_pdf(build_portfolio(trainee))
    assert counts == [1, 1, 0]  # the export only joins pages


def test_a_deleted_reflection_s_layout_job_does_nothing(trainee, make_reflection, run_jobs):
    from reflections.services import reflection_delete

    reflection = make_reflection(trainee)
    reflection_save(reflection=reflection, by=trainee, expected_version=1, title="T", body="b",
                    cpd_minutes=0)  # fmt: skip
    reflection_delete(reflection=reflection, by=trainee)
    [job] = run_jobs()
    assert job.status == "SUCCESSFUL"
    assert not RenderedPdf.objects.exists()


def test_a_failed_layout_never_spoils_a_save(monkeypatch, trainee, make_reflection, caplog):
    reflection = make_reflection(trainee)

    def broken(items):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(pdf, "_render_fragments", broken)
    pdf.warm_reflection(reflection.pk)
    assert "Could not lay out the PDF" in caplog.text


def test_pdf_has_cover_contents_bookmarks_and_page_labels(trainee, content, make_reflection):
    from topics.models import Task

    tasks = list(Task.objects.filter(topic__module=content).order_by("topic__number", "position"))
    make_reflection(trainee, title="On the first task")
    from reflections.services import reflection_create

    reflection_create(author=trainee, title="On the debate", task=tasks[4])
    reflection_create(author=trainee, title="A free one")
    reader = PdfReader(io.BytesIO(pdf.portfolio_pdf(build_portfolio(trainee))))
    cover = reader.pages[0].extract_text()
    assert "Portfolio of professional development" in cover
    assert trainee.full_name in cover and "3 reflections" in cover
    assert re.search(r"1\s*On the first task", cover)
    assert reader.page_labels[0] == "i"
    assert reader.page_labels[reader.page_labels.index("1") - 1] == "i"
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Contents", "Psycho-social interventions", "Free reflections"]
    module_items = outline[2]  # the module's topics, then each topic's reflections
    assert [item.title for item in module_items if not isinstance(item, list)] == [
        "Topic One - Motivational interviewing",
        "Topic Two - Social behaviour and network therapy",
    ]
    assert reader.metadata.title == "Portfolio of professional development"
    assert reader.metadata.author == trainee.full_name
