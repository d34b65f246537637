import html
import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """Render Markdown through the portal's one sanitiser."""
    return render_markdown(text)


@register.filter
def meta_text(text: str | None, length: int = 160) -> str:
    """Plain text for a meta description: Markdown rendered, tags stripped, one line,
    cut at a word near ``length`` characters (search engines show about 160)."""
    return _meta_text(text or "", length)


@lru_cache(maxsize=1024)
def _meta_text(text: str, length: int) -> str:
    plain = html.unescape(strip_tags(render_markdown(text or "")))
    plain = re.sub(r"\s+", " ", plain).strip()
    if len(plain) <= length:
        return plain
    return plain[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


@register.inclusion_tag("includes/progress_bar.html")
def progress_bar(done: int, total: int, label: str = "tasks done", size: str = ""):
    """A progress bar that always carries its numbers as text, not only as colour."""
    percent = round(100 * done / total) if total else 0
    return {"done": done, "total": total, "percent": percent, "label": label, "size": size}


@register.inclusion_tag("includes/breadcrumb.html")
def breadcrumb(*objects, current: str = ""):
    """A breadcrumb from Home through each object; the last (or ``current``) is this page."""
    crumbs = [
        (getattr(obj, "breadcrumb_label", str(obj)), obj.get_absolute_url()) for obj in objects
    ]
    if current:
        crumbs.append((current, None))
    elif crumbs:
        crumbs[-1] = (crumbs[-1][0], None)
    return {"crumbs": crumbs}


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj=None) -> SafeString:
    """The panels that apps higher up the import chain put on this page (portal.hooks)."""
    from portal.hooks import render_panels

    request = context.get("request")
    if request is None:
        return SafeString("")
    return render_panels(slot, request, obj)


# Every page's frame (base.html) names the same dozen addresses and assets. Both depend
# only on the URLconf, the script prefix and the static files' manifest, which are fixed
# for the life of a process, so each is worked out once per process, not on every page.


@lru_cache(maxsize=256)
def _reverse(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def link(name: str) -> str:
    """``{% url name %}`` for an address without arguments, worked out once per process."""
    return _reverse(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=256)
def _static(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget_addresses(**kwargs) -> None:
    """Tests that change the settings (override_settings) get fresh addresses."""
    _reverse.cache_clear()
    _static.cache_clear()


@register.simple_tag
def asset(path: str) -> str:
    """``{% static path %}``, looked up in the manifest once per process."""
    return _static(path)


@register.simple_tag
def form_token() -> SafeString:
    """The hidden token that makes a create form count once (``portal.once``)."""
    from portal.once import FIELD, new_token

    return SafeString(f'<input type="hidden" name="{FIELD}" value="{new_token()}">')
