"""The course dashboard in the browser, as a tutor finds it: from their dashboard, at
1280 and 390 px, axe-core and the form-control contrast check on the page, and the
charts' own colours measured (bars and marks 3:1 against the page, text 4.5:1 against
what it sits on). The numbers open in a table and download as CSV."""

import re

import pytest

from analytics.services import summaries_refresh
from tests.analytics import conftest as hand_computed
from tests.browser.conftest import ARTIFACTS, follow
from tests.conftest import PASSWORD

CHART_COLOURS_JS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    for (const el of svg.querySelectorAll('rect, line, path, text')) {
      const style = getComputedStyle(el);
      out.push({chart: svg.id, tag: el.tagName, fill: style.fill, stroke: style.stroke,
                dashed: style.strokeDasharray !== 'none'});
    }
  }
  return out;
}"""


def _rgb(value: str):
    match = re.match(r"rgb\((\d+), (\d+), (\d+)\)", value or "")
    return tuple(int(x) for x in match.groups()) if match else None


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


WHITE = (255, 255, 255)
course = hand_computed.course  # the small course of the figures' tests, as a fixture


def assert_chart_contrast(page) -> int:
    marks = page.evaluate(CHART_COLOURS_JS)
    assert marks, "no charts on the page"
    fills = {_rgb(m["fill"]) for m in marks if m["tag"] == "rect"} - {WHITE, None}
    for mark in marks:
        fill, stroke = _rgb(mark["fill"]), _rgb(mark["stroke"])
        if mark["tag"] == "text":
            if fill == WHITE:  # a share printed inside a segment: against every segment colour
                assert all(contrast(fill, f) >= 4.5 for f in fills), (mark, fills)
            else:
                assert contrast(fill, WHITE) >= 4.5, mark
        else:
            for colour in (fill, stroke):
                if colour and colour != WHITE:
                    assert contrast(colour, WHITE) >= 3, mark
    return len(marks)


@pytest.mark.parametrize("width", [1280, 390])
def test_tutor_reads_the_course_dashboard(
    live_server,
    page,
    axe,
    course,
    tutor,
    sign_in,
    width,
):
    summaries_refresh(module=course)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, tutor.email, PASSWORD)
    page.goto(live_server.url + "/dashboard/")
    card = page.get_by_role("region", name="Modules you tutor")
    follow(card.get_by_role("link", name=re.compile(r"^Course analytics")))
    assert page.get_by_role("heading", level=1, name="Course analytics").is_visible()
    assert page.locator(
        "p.analytics-reading", has_text="Most trainees stop at topic 2, task 2"
    ).is_visible()
    funnel = page.get_by_role("img", name="Completion funnel")
    assert funnel.is_visible()
    box = funnel.bounding_box()
    assert box and box["width"] <= width
    axe(page)
    assert assert_chart_contrast(page) > 50
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"analytics-{width}.png"), full_page=True)
    # The numbers behind the funnel, then the same table as CSV.
    page.get_by_text("The numbers: trainees enrolled in these weeks").click()
    table = page.get_by_role("table", name=re.compile("Trainees enrolled in these weeks"))
    assert table.get_by_role("rowheader", name="Enrolled").is_visible()
    axe(page)  # with a table open
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile(r"Download this table as CSV\s*: Trainees enrolled")
        ).click()
    assert download.value.suggested_filename.startswith(f"{course.slug}-funnel-")
    # The weeks: a range under five trainees says so, with the keyboard alone.
    page.get_by_label("From", exact=True).fill("2026-11-02")
    page.get_by_label("From", exact=True).press("Enter")
    page.wait_for_url(re.compile(r"since=2026-11-02"))
    assert page.locator(
        "p.analytics-reading", has_text="Fewer than 5 trainees enrolled"
    ).is_visible()
    axe(page)
