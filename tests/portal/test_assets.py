"""The front end built at set-up (assets/build.mjs) keeps what the templates use.

Bootstrap is purged and the icon font cut down, so these tests hold the build to its
promise: every Bootstrap class and bi icon a template names is in the built files, and a
template the build has never seen gets its classes, icons and plugins on the next build.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(settings.BASE_DIR)
BOOTSTRAP_CSS = ROOT / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.css"
ICON_MAP = ROOT / "node_modules" / "bootstrap-icons" / "font" / "bootstrap-icons.json"


def _built(path: str) -> str:
    found = finders.find(path)
    assert found, f"{path} is not built: run `make install`"
    return Path(found).read_text()


def _class_selectors(css: str) -> set[str]:
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", re.sub(r"url\([^)]*\)", "", css)))


def _template_tokens() -> set[str]:
    tokens: set[str] = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for attribute in re.findall(r'class="([^"]*)"', template.read_text()):
            tokens.update(re.findall(r"[a-z][\w-]*", attribute))
    return tokens


def test_built_files_are_found_by_the_static_finders():
    for path in ("css/site.css", "js/bootstrap.js", "fonts/bootstrap-icons-subset.woff2"):
        assert finders.find(path), path


def test_every_bootstrap_class_a_template_uses_is_in_the_stylesheet():
    bootstrap = _class_selectors(BOOTSTRAP_CSS.read_text())
    built = _class_selectors(_built("css/site.css"))
    used = _template_tokens() & bootstrap
    assert {"container", "navbar", "card", "btn-primary", "form-check-input"} <= used | built
    assert used - built == set()


def test_every_icon_a_template_names_is_in_the_subset():
    css = _built("css/site.css")
    names = set()
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        names.update(re.findall(r"\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)\b", text))
    missing = [name for name in names if f".bi-{name}:before" not in css]
    assert len(names) > 30
    assert missing == []


def test_the_stylesheet_stays_small_and_leaves_out_what_no_template_uses():
    css = _built("css/site.css")
    assert len(css.encode()) < 120 * 1024
    built = _class_selectors(css)
    for unused in ("carousel", "offcanvas", "spinner-grow", "placeholder-wave", "toast-header"):
        assert unused not in built, unused


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js is needed for the asset build")
def test_a_template_the_build_has_never_seen_gets_its_classes_icons_and_plugins(tmp_path):
    extra = tmp_path / "templates"
    extra.mkdir()
    (extra / "groups.html").write_text(
        '<div class="toast-header spinner-grow-sm offcanvas offcanvas-end">'
        '<button data-bs-toggle="dropdown" class="dropdown-toggle">'
        '<i class="bi bi-bell-fill" aria-hidden="true"></i></button>'
        '<ul class="dropdown-menu"><li class="dropdown-item">New</li></ul></div>'
    )
    out = tmp_path / "out"
    subprocess.run(  # noqa: S603
        ["node", str(ROOT / "assets" / "build.mjs")],  # noqa: S607
        check=True,
        cwd=ROOT,
        env={**os.environ, "ASSETS_OUT": str(out), "ASSETS_EXTRA_TEMPLATES": str(extra)},
        capture_output=True,
        timeout=300,
    )
    css = (out / "css" / "site.css").read_text()
    built = _class_selectors(css)
    for name in ("toast-header", "spinner-grow-sm", "offcanvas-end", "dropdown-menu"):
        assert name in built, name
    assert ".bi-bell-fill:before" in css
    assert "dropdown" in (out / "js" / "bootstrap.js").read_text().lower()
    # The icon font has the new glyph: it is bigger than one without it.
    assert (out / "fonts" / "bootstrap-icons-subset.woff2").stat().st_size > 1000
