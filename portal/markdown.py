"""The one Markdown renderer: Python-Markdown's output cleaned by nh3.

Every user- or admin-written text reaches a page through ``render_markdown``;
Python-Markdown passes raw HTML through, so nothing it returns is trusted
until nh3 has removed scripts, event handlers, iframes and unsafe URLs.
"""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@lru_cache(maxsize=2048)
def _render(text: str) -> str:
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return sanitise_html(html)


def render_markdown(text: str | None) -> SafeString:
    """Render Markdown to HTML that is safe to put on a page."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    return mark_safe(_render(str(text)))  # noqa: S308 - cleaned by nh3 above


# The help under every Markdown field, so that each form says the same.
MARKDOWN_HELP = (
    "Markdown: <code>**bold**</code>, <code>*italic*</code>, <code>- item</code> for a list, "
    "a blank line between paragraphs."
)
