"""Every figure against the hand-computed answers of the small course (conftest.py)."""

import datetime
from types import SimpleNamespace

import pytest

from analytics import figures
from analytics.recount import bucket, percentile, week_of
from analytics.selectors import module_counts
from analytics.services import summaries_refresh
from modules.models import Tutor

from .conftest import W0, W1, W2

ADMIN = SimpleNamespace(is_staff=True, is_authenticated=True)  # sees every cohort


def figure_of(course, slug, **weeks):
    from analytics.views import DashboardMixin

    summaries_refresh(module=course)
    view = DashboardMixin()

    class Request:
        GET = {k: v.isoformat() for k, v in weeks.items()}
        user = ADMIN

    view.request = Request()
    _form, _counts, shown = view.get_figures(course)
    return next(f for f in shown if f.slug == slug)


def rows(figure, index=0):
    return figure.tables[index].rows


def test_week_bucket_and_percentile_rules():
    assert week_of(datetime.date(2026, 11, 8)) == datetime.date(2026, 11, 2)  # a Sunday
    assert week_of(datetime.date(2026, 11, 9)) == datetime.date(2026, 11, 9)
    assert [bucket(m) for m in (0, 59, 61, 64, 359, 361, 419, 10079, 10081)] == [
        0, 59, 60, 60, 355, 360, 360, 10020, 10080,
    ]  # fmt: skip
    histogram = {10: 1, 20: 1, 30: 1, 40: 1}
    assert percentile(histogram, 0.5) == 20  # nearest rank: the 2nd of 4
    assert percentile(histogram, 0.9) == 40
    assert percentile({}, 0.5) is None


@pytest.mark.django_db
def test_summaries_are_filed_by_week(course):
    summaries_refresh(module=course)
    counts = module_counts(course)
    assert counts.get("funnel", "enrolled") == 10
    assert module_counts(course, since=W1).get("funnel", "enrolled") == 3
    assert (
        module_counts(course, until=W0 + datetime.timedelta(days=6)).get("funnel", "enrolled") == 7
    )
    assert counts.weekly["active"][W1] == {"trainees": 10}
    assert counts.weekly["active"][W2] == {"trainees": 6}


def test_funnel(course):
    figure = figure_of(course, "funnel")
    table = rows(figure)
    assert table[0] == ["Enrolled", "10", "100 %", "–"]
    assert table[1][1:] == ["10", "100 %", "0"]  # T1.1
    assert table[2][1:] == ["8", "80 %", "fewer than 5"]  # T1.2: two stop here
    assert table[3][1:] == ["6", "60 %", "fewer than 5"]  # T1.3
    assert table[4][1:] == ["6", "60 %", "0"]  # T2.1
    assert table[5][1:] == ["0", "0 %", "6"]  # T2.2: six stop here
    assert table[-1] == ["Certificate", "0", "0 %", "–"]
    assert figure.reading == (
        "Most trainees stop at topic 2, task 2: it is the first task not done for 6 of 10 "
        "(60 %); 0 have done every task."
    )


def test_funnel_for_a_range_under_five_is_suppressed(course):
    figure = figure_of(course, "funnel", since=W1)
    assert rows(figure)[0][1] == "fewer than 5"
    assert (
        figure.reading == "Fewer than 5 trainees enrolled in these weeks, so no figures are shown."
    )
    assert "fewer than 5" in figure.chart


def test_time_per_topic(course):
    figure = figure_of(course, "topic-time")
    topic1 = rows(figure)[0]
    assert topic1[1:] == ["6", "30 min", "20 min to 50 min", "1 h"]
    assert rows(figure)[1][1:3] == ["0", "–"]  # topic 2: nobody did all three tasks
    assert figure.reading == (
        "Topic 1 takes longest: a median of 30 min from the first task done to the last, "
        "against an estimate of 1 h."
    )


def test_debates(course):
    figure = figure_of(course, "debates")
    before, after = rows(figure)[0], rows(figure)[1]
    assert before[1:] == ["Before", "0", "5 (50 %)", "5 (50 %)", "2.0"]
    assert after[1:] == ["After", "5 (50 %)", "0", "5 (50 %)", "4.0"]
    shift = rows(figure, 1)[0]
    assert shift[1:] == ["10", "5", "10", "0.6", "0.5"]
    assert figure.reading == (
        "Opinion moved most on topic 1's motion: for it went from 0 % before the debate to "
        "50 % after; 5 of 10 trainees with both stances changed their position."
    )


def test_reflections(course):
    figure = figure_of(course, "reflections")
    assert rows(figure) == [["10", "7", "5", "fewer than 5", "fewer than 5", "fewer than 5"]]
    assert rows(figure, 1) == [["0", "5"], ["1", "fewer than 5"], ["2", "0"], ["3+", "0"]]
    assert figure.reading == (
        "Of 10 reflections written, 7 were submitted for review and 5 reviewed; fewer than "
        "5 were asked for a revision at least once."
    )


def test_turnaround(course):
    figure = figure_of(course, "turnaround")
    name = Tutor.objects.get(slug="gillian-tober").name
    assert rows(figure) == [
        ["All tutors", "7", "2 days", "10 days", "fewer than 5 (fewer than 5)"],
        [name, "7", "2 days", "10 days", "fewer than 5 (fewer than 5)"],
    ]
    assert figure.reading == (
        "Tutors answered in a median of 2 days; 9 in 10 within 10 days; fewer than 5 of 7 "
        "reviews (fewer than 5) took longer than the 7-day target."
    )
    weekly = {row[0]: row[1:] for row in rows(figure, 1)}
    # Feedback weeks: 4 Nov (the two revisions, W1); 5, 6, 7 Nov (W1); 12, 14 Nov (W2).
    assert weekly["2 Nov 2026"][0] == "5"
    assert weekly["9 Nov 2026"][0] == "fewer than 5"


def test_study_groups(course):
    figure = figure_of(course, "study-groups")
    assert rows(figure) == [
        ["10", "6", "60 %", "2", "8", "fewer than 5", "fewer than 5", "fewer than 5"]
    ]  # meetings are not people: two held is shown
    assert figure.reading == (
        "60 % of trainees (6 of 10) are in a study group; 2 meetings were held and members "
        "said they would go to 67 % of them."
    )


def test_weekly_active(course):
    figure = figure_of(course, "activity")
    table = {row[0]: row[1] for row in rows(figure)}
    assert table["2 Nov 2026"] == "10"
    assert table["9 Nov 2026"] == "6"
    assert table["16 Nov 2026"] == "0"
    assert figure.reading.startswith(
        "Weekly active trainees peaked at 10 in the week of 2 November 2026;"
    )


def test_charts_carry_title_reading_and_no_names(course):
    summaries_refresh(module=course)
    for slug in ("funnel", "topic-time", "debates", "reflections", "turnaround", "activity"):
        figure = figure_of(course, slug)
        assert figure.chart.startswith("<svg")
        assert f'<title id="chart-{slug.split("-")[0]}' in figure.chart or "<title" in figure.chart
        assert figure.reading.replace("'", "&#x27;") in figure.chart
        for trainee in course.trainees:
            assert trainee.get_full_name() not in figure.chart
            assert all(trainee.get_full_name() not in str(r) for t in figure.tables for r in t.rows)


def test_duration_words():
    assert [figures.duration(m) for m in (5, 60, 90, 1440, 2880 + 120)] == [
        "5 min", "1 h", "1 h 30 min", "1 day", "2 days 2 h",
    ]  # fmt: skip
