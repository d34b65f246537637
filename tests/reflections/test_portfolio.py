import io
import re
import zipfile

from django.urls import reverse
from pypdf import PdfReader

from reflections.models import Reflection
from reflections.selectors import format_minutes
from reflections.services import reflection_create, reflection_save, reflection_submit
from topics.models import Task


def test_format_minutes():
    assert [format_minutes(m) for m in (0, 45, 60, 200, 6000)] == [
        "0 min",
        "45 min",
        "1 h",
        "3 h 20 min",
        "100 h",
    ]


def _spread(trainee, content, structures):
    """Reflections on two topics, a general one on the module and a free one."""
    t11 = Task.objects.get(topic__module=content, topic__number=1, position=1)
    t22 = Task.objects.get(topic__module=content, topic__number=2, position=2)
    free = structures["free"]
    made = [
        reflection_create(author=trainee, title="Debate thoughts", task=t22, template=free),
        reflection_create(author=trainee, title="MI resources", task=t11, template=free),
        reflection_create(author=trainee, title="Module overall", module=content, template=free),
        reflection_create(author=trainee, title="A conference", template=free),
    ]
    for reflection, minutes in zip(made, [60, 90, 20, 30], strict=True):
        Reflection.objects.filter(pk=reflection.pk).update(cpd_minutes=minutes)
    return made


def test_portfolio_groups_by_module_and_topic_with_cpd_total(
    client_for, trainee, content, structures
):
    _spread(trainee, content, structures)
    html = client_for(trainee).get(reverse("reflections:portfolio")).content.decode()
    order = [
        "Psycho-social interventions</h2>",
        "Topic One - Motivational interviewing</h3>",
        "MI resources",
        "Topic Two",
        "Debate thoughts",
        "General reflections on this module</h3>",
        "Module overall",
        "Free reflections</h2>",
        "A conference",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Total CPD time: 3 h 20 min</strong> across 4 reflections" in html
    assert "?module=psycho-social-interventions" in html  # one module's part to download
    assert "@media print" not in html  # print styles come from the stylesheet
    assert "css/site.css" in html  # the one stylesheet, reflections.css built into it


def test_portfolio_filters_by_status(client_for, trainee, content, structures):
    made = _spread(trainee, content, structures)
    reflection_submit(reflection=made[0], by=trainee)
    client = client_for(trainee)
    html = client.get(reverse("reflections:portfolio") + "?status=submitted").content.decode()
    assert "Debate thoughts" in html
    assert "MI resources" not in html and "A conference" not in html
    assert "Showing 1 reflection with status “Submitted for review” (1 h of CPD time)" in html
    assert "Total CPD time: 3 h 20 min" in html
    html = client.get(reverse("reflections:portfolio") + "?status=reviewed").content.decode()
    assert "No reflections have this status." in html
    # An unknown status is ignored, not an error.
    assert client.get(reverse("reflections:portfolio") + "?status=nope").status_code == 200


def test_recent_reflections_for_the_dashboard(
    trainee, other_trainee, content, structures, django_assert_num_queries
):
    from reflections.selectors import recent_for_user

    made = _spread(trainee, content, structures)
    _spread(other_trainee, content, structures)
    with django_assert_num_queries(1):
        recent = recent_for_user(trainee, limit=3)
        assert [r.title for r in recent] == [r.title for r in reversed(made)][:3]
        assert all(r.author_id == trainee.pk for r in recent)
        [str(r.task) for r in recent if r.task]  # task, topic and module came with them


def test_empty_portfolio_points_to_the_lightbulb(client_for, trainee):
    html = client_for(trainee).get(reverse("reflections:portfolio")).content.decode()
    assert "No reflections yet" in html
    assert "Total CPD time: 0 min" in html


# --- exports ---------------------------------------------------------------------------


def _download(client, fmt, module=None):
    url = reverse("reflections:export", args=[fmt])
    if module:
        url += f"?module={module.slug}"
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_pdf_export_holds_every_reflection(client_for, trainee, content, structures):
    made = _spread(trainee, content, structures)
    response = _download(client_for(trainee), "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert re.match(
        r'attachment; filename="portfolio-trainee-\d+-\d{4}-\d{2}-\d{2}\.pdf"',
        response["Content-Disposition"],
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    for reflection in made:
        assert reflection.title in text
    assert trainee.full_name in text
    assert "Explore the resources for this topic" in text  # task titles
    assert "Why is motivation important?" in text  # and prompts, with each reflection
    assert "total CPD time 3 h 20 min" in text


def test_html_export_is_standalone_without_script(client_for, trainee, content, structures):
    made = _spread(trainee, content, structures)
    response = _download(client_for(trainee), "html")
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"].endswith('.html"')
    assert "<script" not in html.lower()
    assert "<style>" in html and "<link" not in html  # CSS inside the file
    assert "src=" not in html  # nothing fetched from anywhere
    for reflection in made:
        assert reflection.title in html
    assert trainee.full_name in html and trainee.email in html
    assert "Why is motivation important?" in html
    assert "Started " in html and "last saved" in html


def test_markdown_zip_has_index_and_one_file_per_reflection(
    client_for, trainee, content, structures
):
    made = _spread(trainee, content, structures)
    reflection_save(
        reflection=made[1],
        by=trainee,
        expected_version=1,
        title="MI resources",
        body="## What?\n\nRead *Miller*.",
        cpd_minutes=90,
    )
    response = _download(client_for(trainee), "markdown")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 5
    folder = names[0].split("/")[0]
    assert f"{folder}/index.md" in names
    index = archive.read(f"{folder}/index.md").decode()
    assert trainee.full_name in index and "Total CPD time: 3 h 20 min" in index
    files = [n for n in names if not n.endswith("index.md")]
    for name in files:
        assert f"]({name.split('/')[-1]})" in index
    mi = archive.read(next(n for n in files if "mi-resources" in n)).decode()
    assert mi.startswith("# MI resources\n")
    assert "- Task: First task: Explore the resources for this topic" in mi
    assert "> 1. Why is motivation important?" in mi
    assert mi.rstrip().endswith("## What?\n\nRead *Miller*.")  # the Markdown as written
    assert "&lt;" not in mi and "&#x27;" not in mi


def test_one_modules_part(client_for, trainee, content, structures):
    _spread(trainee, content, structures)
    client = client_for(trainee)
    html = _download(client, "html", module=content).content.decode()
    assert "Portfolio of professional development: Psycho-social interventions" in html
    assert "MI resources" in html and "Module overall" in html
    assert "A conference" not in html
    response = _download(client, "markdown", module=content)
    assert "psycho-social-interventions" in response["Content-Disposition"]
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 4


# --- queries stay fixed as the portfolio grows ---------------------------------------------

PORTFOLIO_QUERIES = 7  # + sign-offs (reflections.hooks), + the evidence map (outcomes, links)
DETAIL_QUERIES = 6  # + sign-offs, + the study groups it may be shared with, + feedback rounds
EDIT_QUERIES = 3
HISTORY_QUERIES = 4
EXPORT_QUERIES = 6  # + sign-offs, + the feedback rounds and their outcomes
EXPORT_PDF_QUERIES = 8  # + the kept PDF layouts, + storing the ones laid out now, + feedback
NEW_QUERIES = 6


def _grow(trainee, content, structures, n):
    tasks = list(Task.objects.filter(topic__module=content).select_related("topic__module"))
    for i in range(n):
        reflection_create(
            author=trainee,
            title=f"Reflection {i}",
            task=tasks[i % len(tasks)] if i % 5 else None,
            module=content if i % 3 else None,
            template=structures["gibbs"],
            body=f"## Description\n\nDay {i}.",
        )


def _add_versions(reflection, by, n):
    for _ in range(n):
        reflection_save(
            reflection=reflection,
            by=by,
            expected_version=reflection.version,
            title=reflection.title,
            body=f"{reflection.body} more",
            cpd_minutes=reflection.version,
        )


def test_page_queries_fixed(
    client_for, trainee, content, structures, django_assert_max_num_queries
):
    reflection = reflection_create(
        author=trainee,
        title="Mine",
        task=Task.objects.filter(topic__module=content).first(),
        template=structures["gibbs"],
    )
    client = client_for(trainee)
    pages = [
        (reverse("reflections:portfolio"), PORTFOLIO_QUERIES),
        (reverse("reflections:portfolio") + "?status=draft", PORTFOLIO_QUERIES),
        (reflection.get_absolute_url(), DETAIL_QUERIES),
        (reverse("reflections:edit", args=[reflection.pk]), EDIT_QUERIES),
        (reverse("reflections:history", args=[reflection.pk]), HISTORY_QUERIES),
        (reverse("reflections:new") + f"?task={reflection.task_id}", NEW_QUERIES),
    ]
    for url, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
    _grow(trainee, content, structures, 40)
    _add_versions(reflection, trainee, 40)
    for url, limit in pages:
        with django_assert_max_num_queries(limit):
            response = client.get(url)
            assert response.status_code == 200
    assert "Reflection 39" in client.get(reverse("reflections:portfolio")).content.decode()
    history = client.get(reverse("reflections:history", args=[reflection.pk])).content.decode()
    assert "Version 41 (current)" in history


def test_task_page_lightbulb_adds_one_query(
    client_for, trainee, content, structures, django_assert_max_num_queries
):
    from tests.topics.test_views import TASK_QUERIES

    task = Task.objects.filter(topic__module=content).select_related("topic__module").first()
    url = task.get_absolute_url()
    client = client_for(trainee)
    with django_assert_max_num_queries(TASK_QUERIES):
        client.get(url)
    _grow(trainee, content, structures, 40)
    for _ in range(5):
        reflection_create(author=trainee, title="On this task", task=task)
    with django_assert_max_num_queries(TASK_QUERIES):
        html = client.get(url).content.decode()
    assert html.count("On this task") == 5


def test_export_queries_fixed(
    client_for, trainee, content, structures, django_assert_max_num_queries, monkeypatch
):
    from reflections import exports

    monkeypatch.setattr(exports, "BACKGROUND_OVER", 100)  # a PDF made in the request
    _grow(trainee, content, structures, 1)
    client = client_for(trainee)
    limits = {"html": EXPORT_QUERIES, "markdown": EXPORT_QUERIES, "pdf": EXPORT_PDF_QUERIES}
    for fmt, limit in limits.items():
        with django_assert_max_num_queries(limit):
            _download(client, fmt)
    _grow(trainee, content, structures, 40)
    for fmt, limit in limits.items():
        with django_assert_max_num_queries(limit):
            _download(client, fmt)
    with django_assert_max_num_queries(EXPORT_QUERIES + 1):  # + the module lookup
        _download(client, "html", module=content)
