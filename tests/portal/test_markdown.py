import pytest

from portal.markdown import render_markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ("[click](javascript:alert(1))", "javascript:"),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ('<a href="data:text/html,hi">x</a>', "data:"),
        ('<iframe src="https://example.com"></iframe>', "<iframe"),
        ('<p onclick="evil()">hi</p>', "onclick"),
        ("<style>body{display:none}</style>", "<style"),
        ('<svg onload="alert(1)"></svg>', "onload"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript"),
    ],
)
def test_sanitiser_strips_dangerous_markup(source, forbidden):
    html = render_markdown(source)
    assert forbidden not in html.lower()


def test_markdown_still_renders_safe_formatting():
    html = render_markdown("# Title\n\n**bold** and [a link](https://example.org)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html


def test_script_text_is_removed_not_shown():
    assert "alert" not in render_markdown("<script>alert('x')</script>hello")


def test_empty_input():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
