"""Playwright driving Debian's Chromium against the live test server.

Without /usr/bin/chromium these tests skip with a reason, except where
REQUIRE_BROWSER is set (CI), where a missing browser fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM}: apt-get install chromium to run browser tests"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    # bypass_csp lets the test inject axe-core; the CSP itself is tested in tests/portal.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    # Generous: the first PDF layout in a process loads fonts (seconds on a busy CI machine).
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def run_axe(page) -> list[dict]:
    """Run axe-core on the current page; return serious or critical violations."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not installed at {AXE_JS}: run `make install`")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']}
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def measure_controls(page, *, focus: bool = False) -> dict:
    """Measure the non-text contrast (WCAG 2.2, 1.4.11) of every visible form control on
    the page, in each state; with ``focus``, focused as well (that moves the focus).
    See contrast.js; axe-core has no such check."""
    return page.evaluate(CONTRAST_JS, {"focus": focus})


def assert_controls_contrast(page, *, focus: bool = False) -> dict:
    result = measure_controls(page, focus=focus)
    assert not result["failures"], (
        f"form controls under 3:1 on {page.url}: {result['failures'][:8]}"
    )
    return result


@pytest.fixture
def axe():
    """``axe(page)`` fails the test on any serious or critical violation, and on any
    visible form control under 3:1 contrast (which axe does not check), so every page
    a browser test checks is measured."""

    def check(page):
        violations = run_axe(page)
        assert not violations, f"axe-core on {page.url}: {violations}"
        assert_controls_contrast(page)

    return check


def follow(locator, timeout: float | None = None) -> None:
    """Click a link or submit button and wait until the page it loads has loaded.

    ``click()`` returns before a navigation finishes, so reading the page right
    after it can see the old page; waiting for the navigation removes that race.
    """
    kwargs = {"timeout": timeout} if timeout else {}
    with locator.page.expect_navigation(**kwargs):
        locator.click()


@pytest.fixture
def sign_in(live_server):
    def do(page, email: str, password: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").first.fill(password)
        follow(page.get_by_role("button", name="Sign In"))
        assert "/accounts/login/" not in page.url, f"sign-in failed for {email}"

    return do
