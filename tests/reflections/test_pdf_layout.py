"""The ReportLab layout of a reflection's page HTML (reflections/pdf_layout.py): every
tag the Markdown cleaner lets through has a rule, no text is lost or read as markup, and
characters beyond Windows-1252 get an embedded font."""

import io

from pypdf import PdfReader

from reflections.pdf_layout import layout

PAGE = """<article id="reflection-1">
<p class="running"><span class="trainee">Ada Trainee</span> · Portfolio of professional
development · <span class="short-title">A “short” title</span></p>
<p class="context">Module › Topic One</p>
<h1>The reflection’s title &amp; more</h1>
<p class="meta">Draft · CPD 30 min<br>Started 1 December 2026</p>
<div class="prompt"><strong>Prompt:</strong> <p>What did you <em>notice</em>?</p></div>
<div class="body">{body}</div>
<div class="feedback"><p><strong>Round 1: Reviewed</strong></p>
<div class="round"><div class="comment"><p>Feedback text.</p></div></div></div>
</article>"""

EVERY_TAG = """<p>A <a href="https://example.org/?a=1&amp;b=2">link</a>,
<abbr title="x">abbr</abbr>,
<b>bold</b>, <strong>strong</strong>, <i>italic</i>, <em>em</em>, <code>code &lt; 2</code>,
<del>deleted</del>, <s>struck</s>, H<sub>2</sub>O, x<sup>2</sup><br>after a break.</p>
<h2>Heading two</h2><h3>Heading three</h3><h4>Heading four</h4><h5>Heading five</h5>
<h6>Heading six</h6>
<ul><li>bullet one<ul><li>nested bullet</li></ul></li></ul>
<ol start="3"><li>numbered three</li></ol>
<blockquote><p>quoted words</p></blockquote>
<pre><code>preformatted &lt;b&gt;line</code></pre><hr>
<table><thead><tr><th>head cell</th></tr></thead><tbody><tr><td>body cell</td></tr></tbody></table>
<dl><dt>term</dt><dd>definition</dd></dl>
<p>Literal &lt;b&gt;not bold&lt;/b&gt; &amp; &lt;br/&gt; stay as text.</p>
<unknown>text in an unknown tag</unknown>"""


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_every_allowed_tag_is_laid_out_and_no_text_is_lost():
    pages, pdf = layout(PAGE.format(body=EVERY_TAG))
    assert pages == len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    text = text_of(pdf)
    for words in (
        "The reflection’s title & more", "link", "abbr", "bold", "strong", "italic", "em",
        "code < 2", "deleted", "struck", "after a break", "Heading two", "Heading six",
        "bullet one", "nested bullet", "3.", "numbered three", "quoted words",
        "preformatted <b>line", "head cell", "body cell", "term", "definition",
        "Literal <b>not bold</b> & <br/> stay as text.", "text in an unknown tag",
        "What did you notice?", "Feedback text.", "Ada Trainee", "A “short” title",
    ):  # fmt: skip
        assert words in text, words


def test_windows_1252_text_uses_the_standard_fonts_and_other_text_an_embedded_one():
    _, plain = layout(PAGE.format(body="<p>Curly “quotes”, an en dash – and € only.</p>"))
    assert b"/FontFile2" not in plain and b"/Helvetica" in plain
    _, greek = layout(PAGE.format(body="<p>Ψυχολογία → arrows and Greek.</p>"))
    assert b"/FontFile2" in greek
    assert "Ψυχολογία" in text_of(greek)


def test_a_long_reflection_runs_over_pages_inside_its_bars():
    paragraph = "<p>" + "A sentence about practice that goes on. " * 40 + "</p>"
    body = paragraph * 12 + "<ul>" + "<li>an item</li>" * 80 + "</ul>"
    html = PAGE.format(body=body).replace(
        "<p>Feedback text.</p>", paragraph * 6 + "<p>Feedback text.</p>"
    )
    pages, pdf = layout(html)
    assert pages >= 4
    assert "Feedback text." in text_of(pdf)
