"""The dashboard's figures, read from the summed summaries (``selectors.Counts``): for
each a chart, a reading in words and the same numbers as tables.

Privacy: only counts and distributions, and any count of one to four trainees (or of
their reflections, posts and answers) is shown as "fewer than 5"; a share, median or
percentile of fewer than five is not shown either. A chart row holding such a count is
drawn as an empty dashed box."""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.safestring import SafeString

from debates.models import Position

from . import charts
from .recount import percentile
from .selectors import Counts

FEWER = "fewer than 5"
SMALL = 5


def hidden(n: int) -> bool:
    return 0 < n < SMALL


def count(n: int) -> str:
    return FEWER if hidden(n) else f"{n:,}"


def share(n: int, base: int) -> str:
    if not base:
        return "–"
    if hidden(n) or hidden(base):
        return FEWER
    return f"{round(100 * n / base)} %"


def duration(minutes: int | None) -> str:
    if minutes is None:
        return "–"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, rest = divmod(minutes, 24 * 60)
    hours = rest // 60
    day_word = "day" if days == 1 else "days"
    return f"{days} {day_word} {hours} h" if hours else f"{days} {day_word}"


def week_label(week: datetime.date) -> str:
    return date_format(week, "j M Y")


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Figure:
    slug: str
    title: str
    reading: str
    chart: SafeString
    tables: list[Table]
    note: str = ""


@dataclass
class Content:
    """The labels figures need: the module's tasks in order, its motions, tutors' names."""

    tasks: list  # Task with topic
    motions: list  # Motion with task__topic
    tutor_names: dict[int, str]
    turnaround_days: int


def _step_label(task) -> str:
    return f"Topic {task.topic.number}, task {task.position}"


def funnel(counts: Counts, content: Content) -> Figure:
    enrolled = counts.get("funnel", "enrolled")
    table = Table(
        "funnel",
        "Trainees enrolled in these weeks who reached each step, and where they stopped",
        ["Step", "Trainees", "Share of enrolled", "Stopped here (first task not done)"],
    )
    rows = [charts.Bar("Enrolled", None if hidden(enrolled) else enrolled, count(enrolled))]
    table.rows.append(["Enrolled", count(enrolled), share(enrolled, enrolled), "–"])
    stops = []
    for task in content.tasks:
        done = counts.get("funnel", f"task:{task.pk}")
        stopped = counts.get("funnel", f"stop:{task.pk}")
        stops.append((stopped, task))
        label = _step_label(task)
        table.rows.append(
            [f"{label}: {task.title}", count(done), share(done, enrolled), count(stopped)]
        )
        text = count(done) if hidden(done) else f"{done:,} ({share(done, enrolled)})"
        rows.append(
            charts.Bar(
                f"T{task.topic.number}.{task.position}", None if hidden(done) else done, text
            )
        )
    certified = counts.get("funnel", "certificate")
    table.rows.append(["Certificate", count(certified), share(certified, enrolled), "–"])
    rows.append(
        charts.Bar("Certificate", None if hidden(certified) else certified, count(certified))
    )
    finished = counts.get("funnel", "stop:none")
    if not enrolled:
        reading = "No trainees enrolled in these weeks."
    elif hidden(enrolled):
        reading = "Fewer than 5 trainees enrolled in these weeks, so no figures are shown."
    else:
        most, task = max(stops, key=lambda s: s[0], default=(0, None))
        if task is None or most < SMALL:
            reading = (
                f"{count(finished)} of {enrolled:,} trainees have done every task; no task "
                "is where 5 or more of the others stopped."
            )
        else:
            reading = (
                f"Most trainees stop at topic {task.topic.number}, task {task.position}: it "
                f"is the first task not done for {most:,} of {enrolled:,} "
                f"({share(most, enrolled)}); {count(finished)} have done every task."
            )
    title = "Completion funnel"
    return Figure(
        "funnel",
        title,
        reading,
        charts.bars("chart-funnel", title, reading, rows, label_width=90),
        [table],
        note="T2.3 is topic 2, task 3. Trainees are counted in the week they enrolled.",
    )


def _histogram(values: dict[str, int], prefix: str) -> dict[int, int]:
    return {
        int(key[len(prefix) :]): n
        for key, n in values.items()
        if key.startswith(prefix) and key[len(prefix) :].isdigit()
    }


def topic_time(counts: Counts, content: Content) -> Figure:
    values = counts.total.get("topic_time", {})
    topics = []
    for task in content.tasks:
        if not topics or topics[-1][0].pk != task.topic.pk:
            topics.append((task.topic, []))
        topics[-1][1].append(task)
    table = Table(
        "topic-time",
        "Time from the first to the last task of each topic done, for trainees who did them all",
        ["Topic", "Trainees", "Median", "Middle half (25th to 75th percentile)", "Estimate"],
    )
    rows, slowest = [], None
    for topic, tasks in topics:
        histogram = _histogram(values, f"{topic.pk}:")
        n = sum(histogram.values())
        estimates = [t.estimated_minutes for t in tasks if t.estimated_minutes]
        estimate = sum(estimates) if estimates else None
        label = f"Topic {topic.number}"
        if n < SMALL:
            table.rows.append([f"{label}: {topic.title}", count(n), "–", "–", duration(estimate)])
            rows.append(charts.Bar(label, None, FEWER if n else "none yet"))
            continue
        median, low, high = (percentile(histogram, p) for p in (0.5, 0.25, 0.75))
        table.rows.append(
            [
                f"{label}: {topic.title}",
                count(n),
                duration(median),
                f"{duration(low)} to {duration(high)}",
                duration(estimate),
            ]
        )
        rows.append(
            charts.Bar(label, median, duration(median), low=low, high=high, marker=estimate)
        )
        if slowest is None or median > slowest[1]:
            slowest = (topic, median, estimate)
    if slowest is None:
        reading = "Fewer than 5 trainees have done every task of any topic in these weeks."
    else:
        topic, median, estimate = slowest
        against = f", against an estimate of {duration(estimate)}" if estimate else ""
        reading = (
            f"Topic {topic.number} takes longest: a median of {duration(median)} from the "
            f"first task done to the last{against}."
        )
    title = "Time per topic"
    return Figure(
        "topic-time",
        title,
        reading,
        charts.bars("chart-topic-time", title, reading, rows, label_width=80),
        [table],
        note="Bar: the median; amber line: the middle half of trainees; diamond: the "
        "content's estimate (the sum of its tasks' minutes).",
    )


POSITIONS = [Position.FOR, Position.UNDECIDED, Position.AGAINST]
POSITION_WORDS = {Position.FOR: "For", Position.UNDECIDED: "Undecided", Position.AGAINST: "Against"}


def debates(counts: Counts, content: Content) -> Figure:
    stance = counts.total.get("stance", {})
    confidence = counts.total.get("confidence", {})
    shift = counts.total.get("shift", {})
    posts = counts.total.get("posts", {})
    stances = Table(
        "debate-stances",
        "Trainees' stances before and after each debate",
        ["Motion", "Phase", "For", "Undecided", "Against", "Mean confidence (1 to 5)"],
    )
    moves = Table(
        "debate-shift",
        "Change of position, and arguments and replies per trainee taking part",
        [
            "Motion",
            "Trainees with both stances",
            "Changed position",
            "Trainees taking part",
            "Arguments per trainee",
            "Replies per trainee",
        ],
    )
    rows, moved = [], None
    for motion in content.motions:
        number = motion.task.topic.number
        name = f"Topic {number}: {motion.statement}"
        shares = {}
        for phase, phase_word in (("before", "Before"), ("after", "After")):
            n = {p: stance.get(f"{motion.pk}:{phase}:{p}", 0) for p in POSITIONS}
            total = sum(n.values())
            mean = confidence.get(f"{motion.pk}:{phase}", 0) / total if total else None
            stances.rows.append(
                [name, phase_word]
                + [f"{count(n[p])} ({share(n[p], total)})" if n[p] else "0" for p in POSITIONS]
                + [f"{mean:.1f}" if mean is not None and total >= SMALL else "–"]
            )
            label = f"Topic {number} {phase}"
            if not total:
                rows.append((label, "none yet"))
                continue
            if total < SMALL:
                rows.append((label, FEWER))
                continue
            if any(hidden(v) for v in n.values()):  # the shares would show that group
                rows.append((label, "a stance held by fewer than 5"))
                continue
            shares[phase] = n[Position.FOR] / total
            rows.append(
                (
                    label,
                    [
                        charts.Segment(
                            POSITION_WORDS[p], n[p] / total, f"{round(100 * n[p] / total)} %"
                        )
                        for p in POSITIONS
                    ],
                )
            )
        both = sum(v for k, v in shift.items() if k.startswith(f"{motion.pk}:"))
        changed = sum(
            v
            for k, v in shift.items()
            if k.startswith(f"{motion.pk}:") and k.split(":")[1] != k.split(":")[2]
        )
        taking_part = posts.get(f"{motion.pk}:trainees", 0)
        arguments = posts.get(f"{motion.pk}:arguments", 0)
        replies = posts.get(f"{motion.pk}:replies", 0)
        per = [
            f"{x / taking_part:.1f}" if taking_part >= SMALL else "–" for x in (arguments, replies)
        ]
        moves.rows.append([name, count(both), count(changed), count(taking_part), *per])
        if len(shares) == 2 and both >= SMALL:
            change = shares["after"] - shares["before"]
            if moved is None or abs(change) > abs(moved[1]):
                moved = (number, change, shares, changed, both)
    if moved is None:
        reading = "Fewer than 5 trainees took a stance before and after any debate in these weeks."
    else:
        number, change, shares, changed, both = moved
        reading = (
            f"Opinion moved most on topic {number}'s motion: for it went from "
            f"{round(100 * shares['before'])} % before the debate to "
            f"{round(100 * shares['after'])} % after; {count(changed)} of {both:,} trainees "
            "with both stances changed their position."
        )
    title = "Debates: stance before and after"
    return Figure(
        "debates",
        title,
        reading,
        charts.stacked("chart-debates", title, reading, rows, label_width=110),
        [stances, moves],
        note="Trainees are counted in the week they enrolled. Blue: for; grey: undecided; "
        "amber: against.",
    )


def reflections(counts: Counts, content: Content) -> Figure:
    values = counts.total.get("reflections", {})
    waiting = counts.total.get("waiting", {})
    written, submitted, reviewed = (values.get(k, 0) for k in ("written", "submitted", "reviewed"))
    rounds = {k: values.get(f"rounds:{k}", 0) for k in ("0", "1", "2", "3+")}
    revised = rounds["1"] + rounds["2"] + rounds["3+"]
    summary = Table(
        "reflections",
        "Reflections written in these weeks, and how far they have gone",
        [
            "Written",
            "Submitted for review",
            "Reviewed",
            "Asked for a revision at least once",
            "Waiting for review now",
            f"Waiting past the {content.turnaround_days}-day target",
        ],
        [
            [
                count(written),
                count(submitted),
                count(reviewed),
                count(revised),
                count(waiting.get("waiting", 0)),
                count(waiting.get("waiting_over", 0)),
            ]
        ],
    )
    rounds_table = Table(
        "revision-rounds",
        "Reflections submitted for review, by the number of revisions asked for",
        ["Revisions asked for", "Reflections"],
        [[k, count(v)] for k, v in rounds.items()],
    )
    rows = [
        charts.Bar(label, None if hidden(n) else n, count(n))
        for label, n in (
            ("Written", written),
            ("Submitted", submitted),
            ("Reviewed", reviewed),
            ("Revised", revised),
        )
    ]
    if not written:
        reading = "No reflections were written in these weeks."
    else:
        reading = (
            f"Of {count(written)} reflections written, {count(submitted)} were submitted for "
            f"review and {count(reviewed)} reviewed; {count(revised)} were asked for a "
            "revision at least once."
        )
    title = "Reflections"
    return Figure(
        "reflections",
        title,
        reading,
        charts.bars("chart-reflections", title, reading, rows, label_width=90),
        [summary, rounds_table],
        note="Counted in the week each reflection was first written; "
        "\u201cRevised\u201d: asked for a revision at least once.",
    )


def _turnaround_row(histogram: dict[int, int], over: int) -> tuple[int, list[str]]:
    n = sum(histogram.values())
    if n < SMALL:
        return n, [count(n), "–", "–", count(over)]
    return n, [
        count(n),
        duration(percentile(histogram, 0.5)),
        duration(percentile(histogram, 0.9)),
        f"{count(over)} ({share(over, n)})",
    ]


def turnaround(counts: Counts, content: Content, weeks: list[datetime.date]) -> Figure:
    values = counts.total.get("turnaround", {})
    target = content.turnaround_days
    columns = ["Reviews", "Median wait", "90th percentile", f"Past the {target}-day target"]
    tutors = Table("turnaround-tutors", "Review turnaround per tutor", ["Tutor", *columns])
    tutor_ids = sorted(
        {int(k.split(":")[1]) for k in values if k.startswith("tutor:")},
        key=lambda pk: content.tutor_names.get(pk, ""),
    )
    if tutor_ids:
        _n, cells = _turnaround_row(_histogram(values, "all:"), values.get("over", 0))
        tutors.rows.append(["All tutors", *cells])
    for pk in tutor_ids:
        _n, cells = _turnaround_row(
            _histogram(values, f"tutor:{pk}:"), values.get(f"over:tutor:{pk}", 0)
        )
        tutors.rows.append(
            [content.tutor_names.get(pk, "A reviewer without a tutor profile"), *cells]
        )
    weekly = Table("turnaround-weeks", "Review turnaround per week", ["Week of", *columns])
    points, marks = [], []
    for week in weeks:
        week_values = counts.weekly.get("turnaround", {}).get(week, {})
        histogram = _histogram(week_values, "all:")
        n, cells = _turnaround_row(histogram, week_values.get("over", 0))
        weekly.rows.append([week_label(week), *cells])
        label = date_format(week, "j M")
        if n >= SMALL:
            median = percentile(histogram, 0.5)
            points.append((label, median, duration(median)))
            marks.append(percentile(histogram, 0.9))
        else:
            points.append((label, None, FEWER) if n else (label, 0, "none"))
            marks.append(None)
    everything = _histogram(values, "all:")
    n, _cells = _turnaround_row(everything, values.get("over", 0))
    if not n:
        reading = "No reflections were reviewed in these weeks."
    elif n < SMALL:
        reading = "Fewer than 5 reflections were reviewed in these weeks."
    else:
        over = values.get("over", 0)
        reading = (
            f"Tutors answered in a median of {duration(percentile(everything, 0.5))}; 9 in 10 "
            f"within {duration(percentile(everything, 0.9))}; {count(over)} of {n:,} reviews "
            f"({share(over, n)}) took longer than the {target}-day target."
        )
    title = "Review turnaround"
    return Figure(
        "turnaround",
        title,
        reading,
        charts.columns("chart-turnaround", title, reading, points, marks=marks),
        [tutors, weekly],
        note="From a reflection's submission to the tutor's feedback, by the week of the "
        "feedback. Column: the median; amber tick: the 90th percentile.",
    )


def groups(counts: Counts, content: Content) -> Figure:
    enrolled = counts.get("funnel", "enrolled")
    in_group = counts.get("groups", "in_group")
    meetings = counts.total.get("meetings", {})
    held = meetings.get("held", 0)
    answers = [
        ("Going", meetings.get("going", 0)),
        ("Maybe", meetings.get("maybe", 0)),
        ("Not going", meetings.get("not_going", 0)),
        ("No answer", meetings.get("no_answer", 0)),
    ]
    given = sum(n for _, n in answers)
    table = Table(
        "study-groups",
        "Study groups: trainees in a group, meetings held and the members' answers",
        [
            "Trainees enrolled",
            "In a study group",
            "Share in a group",
            "Meetings held",
            *(
                f"Answered {label.lower()}" if label != "No answer" else label
                for label, _ in answers
            ),
        ],
        [
            [count(enrolled), count(in_group), share(in_group, enrolled), f"{held:,}"]
            + [count(n) for _, n in answers]
        ],
    )
    rows = [
        charts.Bar(
            label,
            None if hidden(n) else n,
            f"{count(n)} ({share(n, given)})" if not hidden(n) else FEWER,
        )
        for label, n in answers
    ]
    parts = []
    if enrolled >= SMALL:
        parts.append(
            f"{share(in_group, enrolled)} of trainees ({count(in_group)} of {enrolled:,}) are in "
            "a study group"
        )
    if held:
        going = answers[0][1]
        parts.append(
            f"{held:,} {'meeting was' if held == 1 else 'meetings were'} held and members said "
            f"they would go to {share(going, given)} of them"
        )
    reading = ("; ".join(parts) + ".") if parts else "No study-group figures in these weeks."
    title = "Study groups and attendance"
    return Figure(
        "study-groups",
        title,
        reading,
        charts.bars("chart-groups", title, reading, rows, label_width=90),
        [table],
        note="The chart shows the members' answers to \u201cwill you come?\u201d for the "
        "meetings held in these weeks (by the week of the meeting).",
    )


def activity(counts: Counts, weeks: list[datetime.date]) -> Figure:
    table = Table("weekly-active", "Trainees active each week", ["Week of", "Active trainees"])
    points = []
    for week in weeks:
        n = counts.weekly.get("active", {}).get(week, {}).get("trainees", 0)
        table.rows.append([week_label(week), count(n)])
        points.append((date_format(week, "j M"), None if hidden(n) else n, count(n)))
    shown = [(n, week) for (_, n, _), week in zip(points, weeks, strict=True) if n]
    if not shown:
        reading = "No week in this range had 5 or more active trainees."
    else:
        best, week = max(shown, key=lambda s: s[0])
        last = points[-1][2]
        reading = (
            f"Weekly active trainees peaked at {best:,} in the week of "
            f"{date_format(week, 'j F Y')}; the last week shown had {last}."
        )
    title = "Weekly active trainees"
    return Figure(
        "activity",
        title,
        reading,
        charts.columns("chart-activity", title, reading, points),
        [table],
        note="Active: did a task, ticked a checklist item, wrote or submitted a reflection, "
        "took a stance, posted in a debate or answered a meeting that week.",
    )


def week_range(
    counts: Counts, since: datetime.date | None, until: datetime.date | None, today: datetime.date
) -> list[datetime.date]:
    """Every week from the range's first (or the first with data) to its last (or this
    week), at most two years of them, the latest kept."""
    seen = [w for figure in counts.weekly.values() for w in figure]
    this_week = today - datetime.timedelta(days=today.weekday())
    first = (
        since - datetime.timedelta(days=since.weekday()) if since else min(seen, default=this_week)
    )
    last = until - datetime.timedelta(days=until.weekday()) if until else max([this_week, *seen])
    weeks = []
    week = last
    while week >= first and len(weeks) < 104:
        weeks.append(week)
        week -= datetime.timedelta(days=7)
    return weeks[::-1]


def all_figures(
    counts: Counts,
    content: Content,
    *,
    since: datetime.date | None,
    until: datetime.date | None,
    today: datetime.date,
) -> list[Figure]:
    weeks = week_range(counts, since, until, today)
    return [
        funnel(counts, content),
        topic_time(counts, content),
        debates(counts, content),
        reflections(counts, content),
        turnaround(counts, content, weeks),
        groups(counts, content),
        activity(counts, weeks),
    ]
