"""The article library: articles in sections, each with a public part and a members' part.

A visitor reads the public part of every section; a signed-in member reads the
whole section; a sample article is whole for everyone. The gate is applied in
the queryset (``ArticleSection.objects.for_reader``), so a page that is not
allowed the members' part never loads it.
"""

import re

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from portal.fields import URLField


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def samples(self):
        return self.filter(is_sample=True)

    def visible_to(self, user):
        """Staff see unpublished articles too; everyone else sees the published ones."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def with_section_counts(self):
        """Each article's number of sections, and of sections with a members' part."""
        return self.annotate(
            section_count=models.Count("sections", distinct=True),
            gated_section_count=models.Count(
                "sections", filter=~Q(sections__members_part=""), distinct=True
            ),
        )


class Article(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=200, help_text="As the byline gives it.")
    summary = models.TextField(
        blank=True, help_text="The standfirst, shown to everyone (Markdown)."
    )
    published_on = models.DateField("published", null=True, blank=True)
    is_sample = models.BooleanField(
        "sample article",
        default=False,
        help_text="A sample article is whole for everyone, members' parts included.",
    )
    is_published = models.BooleanField(default=True, help_text="Shown in the library.")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:article", kwargs={"slug": self.slug})

    @property
    def breadcrumb_label(self) -> str:
        return self.title

    def is_whole_for(self, user) -> bool:
        """Members (anyone signed in) read every section whole; visitors only a sample."""
        return self.is_sample or user.is_authenticated


class ArticleSectionQuerySet(models.QuerySet):
    def for_reader(self, *, whole: bool):
        """Sections with ``has_members_part``; the members' part is not loaded unless whole."""
        qs = self.annotate(
            has_members_part=models.ExpressionWrapper(
                ~Q(members_part=""), output_field=models.BooleanField()
            )
        )
        return qs if whole else qs.defer("members_part")

    def readable_by(self, user):
        """Annotate ``readable_members_part``: the members' part where this reader may read it
        (signed in, or a sample article), else an empty text; the field itself is not loaded."""
        if user.is_authenticated:
            readable = models.F("members_part")
        else:
            readable = models.Case(
                models.When(article__is_sample=True, then=models.F("members_part")),
                default=models.Value(""),
                output_field=models.TextField(),
            )
        return self.annotate(readable_members_part=readable).defer("members_part")


class ArticleSection(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=1)
    heading = models.CharField(max_length=200)
    slug = models.SlugField(help_text="The section's anchor: /library/<article>/#section-<slug>.")
    public_part = models.TextField(blank=True, help_text="Shown to everyone (Markdown).")
    members_part = models.TextField(
        "members' part",
        blank=True,
        help_text="Shown to signed-in members, and to everyone in a sample article (Markdown).",
    )
    shows_references = models.BooleanField(
        default=False, help_text="List the article's references at the end of this section."
    )

    objects = ArticleSectionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="one_article_section_per_position"
            ),
            models.UniqueConstraint(
                fields=["article", "slug"], name="one_article_section_per_slug"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article}: {self.heading}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}?section={self.slug}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"section-{self.slug}"


# A URL in running text, without the full stop or bracket that may follow it.
URL_RE = re.compile(r"https?://[^\s<>\"]+?(?=[.,;:)\]]*(?:\s|$))")


class ArticleReference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=1)
    citation = models.TextField(help_text="Kept exactly as the source gives it (plain text).")
    doi = models.CharField("DOI", max_length=200, blank=True, help_text="e.g. 10.3747/co.2007.146")
    url = URLField("URL", max_length=500, blank=True)
    accessed_on = models.DateField(
        "accessed", null=True, blank=True, help_text="Only where the source gives a date."
    )

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="one_article_reference_per_position"
            ),
        ]

    def __str__(self) -> str:
        return self.citation[:80]

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#reference-{self.position}"

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def links(self) -> list[str]:
        return [link for link in (self.doi_url, self.url) if link]

    @property
    def citation_html(self) -> SafeString:
        """The citation text unchanged, with its DOI and URL made into links where it holds them."""
        wanted = set(self.links)
        parts, last = [], 0
        for match in URL_RE.finditer(self.citation):
            parts.append(escape(self.citation[last : match.start()]))
            text = match.group(0)
            if text in wanted:
                parts.append(format_html('<a href="{}" rel="noopener">{}</a>', text, text))
            else:
                parts.append(escape(text))
            last = match.end()
        parts.append(escape(self.citation[last:]))
        return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above

    @property
    def links_not_in_citation(self) -> list[str]:
        """Links to show after the citation because its text does not carry them."""
        return [link for link in self.links if link not in URL_RE.findall(self.citation)]

    @property
    def shows_accessed_date(self) -> bool:
        return self.accessed_on is not None and "accessed" not in self.citation.lower()
