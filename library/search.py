"""One search over the library and the module content, keeping the library's gate.

PostgreSQL ranks with full-text search (English stemming, websearch syntax);
SQLite matches every word at the start of a word, case-insensitively. Both
search only the fields the reader may read, and quote snippets only from
those fields: a visitor's results never match or quote a members' part, nor
the topic and task texts that need sign-in.
"""

import re
from dataclasses import dataclass, field
from html import unescape

from django.db import connection, models
from django.db.models import Q
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from modules.models import Module
from portal.markdown import render_markdown

from .models import Article, ArticleSection

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_PER_KIND = 200  # a bound on the rows read per kind of result
SNIPPET_LENGTH = 180


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    meta: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)


def query_terms(query: str) -> list[str]:
    """The distinct words of a query, at most MAX_TERMS of them."""
    terms: list[str] = []
    for word in re.findall(r"\w+", query.lower()):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _matching(queryset, fields: list[tuple[str, str]], query: str, terms: list[str]):
    """Rows where the query matches the given (field, weight) pairs, best first."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        name, weight = fields[0]
        vector = SearchVector(name, weight=weight, config="english")
        for name, weight in fields[1:]:
            vector += SearchVector(name, weight=weight, config="english")
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            queryset.annotate(document=vector)
            .filter(document=search_query)
            .annotate(rank=SearchRank(models.F("document"), search_query))
            .order_by("-rank", *queryset.model._meta.ordering)
        )
    condition = Q()
    for term in terms:
        pattern = rf"\b{re.escape(term)}"
        any_field = Q()
        for name, _ in fields:
            any_field |= Q(**{f"{name}__iregex": pattern})
        condition &= any_field
    return queryset.filter(condition)


def plain_text(markdown_text: str) -> str:
    """The text of rendered Markdown, list items kept apart by semicolons."""
    html = re.sub(r"</li>\s*(?=<li)", "; </li>", render_markdown(markdown_text))
    return re.sub(r"\s+", " ", unescape(strip_tags(html))).strip()


def _term_pattern(terms: list[str]) -> re.Pattern:
    # Word starts, with long words cut to a stem so "interviewing" finds "interview".
    stems = sorted({t if len(t) <= 5 else t[: max(5, len(t) - 3)] for t in terms}, key=len)
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in reversed(stems)) + r")\w*", re.I)


def make_snippet(texts: list[str], terms: list[str]) -> SafeString:
    """A short quote from the first text that holds a term, the terms marked."""
    pattern = _term_pattern(terms)
    plains = [plain for plain in (plain_text(t) for t in texts if t) if plain]
    for plain in plains:
        found = pattern.search(plain)
        if found:
            break
    else:
        if not plains:
            return mark_safe("")  # noqa: S308 - empty
        plain, found = plains[0], None
    start = 0
    if found and found.start() > SNIPPET_LENGTH // 3:
        start = plain.rfind(" ", 0, found.start() - SNIPPET_LENGTH // 3) + 1
    end = start + SNIPPET_LENGTH
    if end < len(plain):
        end = plain.rfind(" ", start, end) if plain.rfind(" ", start, end) > start else end
    window = plain[start:end]
    marked, last = [], 0
    for match in pattern.finditer(window):
        marked.append(escape(window[last : match.start()]))
        marked.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    marked.append(escape(window[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(plain) else ""
    return mark_safe(prefix + "".join(marked) + suffix)  # noqa: S308 - pieces escaped above


def _library_hits(query: str, terms: list[str], user) -> list[Hit]:
    articles = Article.objects.visible_to(user)
    by_own_text = list(
        _matching(
            articles,
            [("title", "A"), ("author", "B"), ("summary", "B")],
            query,
            terms,
        )[:MAX_PER_KIND]
    )
    sections = list(
        _matching(
            ArticleSection.objects.filter(article__in=articles)
            .readable_by(user)
            .select_related("article"),
            [("heading", "A"), ("public_part", "B"), ("readable_members_part", "B")],
            query,
            terms,
        )[:MAX_PER_KIND]
    )
    order: list[Article] = list(by_own_text)
    matched_sections: dict[int, list[ArticleSection]] = {}
    for section in sections:
        if section.article_id not in matched_sections and all(
            a.pk != section.article_id for a in order
        ):
            order.append(section.article)
        matched_sections.setdefault(section.article_id, []).append(section)
    hits = []
    for article in order:
        found = matched_sections.get(article.pk, [])
        texts = [article.title, article.summary]
        if found:
            first = found[0]
            texts = [first.heading, first.public_part, first.readable_members_part, *texts]
        meta = f"Article by {article.author}" + (" · sample article" if article.is_sample else "")
        hits.append(
            Hit(
                kind="Library article",
                title=article.title,
                url=article.get_absolute_url(),
                snippet=make_snippet(texts, terms),
                meta=meta,
                sections=[(s.heading, s.get_absolute_url()) for s in found],
            )
        )
    return hits


def _content_hits(query: str, terms: list[str], user) -> list[Hit]:
    # The library sits below topics in the import order; read its content from here.
    from topics.models import Task, Topic

    modules = Module.objects.visible_to(user)
    hits = [
        Hit(
            kind="Module",
            title=module.title,
            url=module.get_absolute_url(),
            snippet=make_snippet(
                [module.summary, module.introduction, module.how_it_works, module.title], terms
            ),
        )
        for module in _matching(
            modules,
            [
                ("title", "A"),
                ("subtitle", "B"),
                ("summary", "B"),
                ("introduction", "C"),
                ("how_it_works", "C"),
            ],  # fmt: skip
            query,
            terms,
        )[:MAX_PER_KIND]
    ]
    taught = Module.objects.taught_to(user)
    member = user.is_authenticated
    # Topic introductions and tasks need sign-in; a visitor searches what the overview shows.
    topic_fields = [("title", "A"), ("summary", "B")]
    if member:
        topic_fields += [("introduction", "C"), ("guiding_questions", "C")]
    topics = _matching(
        Topic.objects.filter(module__in=taught).select_related("module"), topic_fields, query, terms
    )[:MAX_PER_KIND]
    for topic in topics:
        texts = [topic.summary, topic.title]
        if member:
            texts += [topic.introduction, topic.guiding_questions]
        hits.append(
            Hit(
                kind="Topic",
                title=str(topic),
                url=topic.get_absolute_url(),
                snippet=make_snippet(texts, terms),
                meta=topic.module.title,
            )
        )
    if member:
        tasks = _matching(
            Task.objects.filter(topic__module__in=taught).select_related("topic__module"),
            [("title", "A"), ("instructions", "B")],
            query,
            terms,
        )[:MAX_PER_KIND]
        for task in tasks:
            hits.append(
                Hit(
                    kind="Task",
                    title=f"{task.ordinal_word} task: {task.title}",
                    url=task.get_absolute_url(),
                    snippet=make_snippet([task.instructions, task.title], terms),
                    meta=f"{task.topic.module.title} · {task.topic}",
                )
            )
    return hits


def search_portal(query: str, *, user) -> list[Hit]:
    """Library articles first, then modules, topics and tasks, each kind best first."""
    terms = query_terms(query)
    if not terms:
        return []
    return _library_hits(query, terms, user) + _content_hits(query, terms, user)
