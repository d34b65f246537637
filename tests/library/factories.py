"""Articles for tests: every members' part carries a marker a test can look for."""

from library.models import Article, ArticleReference, ArticleSection


def members_marker(article: Article, position: int) -> str:
    return f"MEMBERSONLY{article.pk}X{position}"


def public_marker(article: Article, position: int) -> str:
    return f"PUBLICPART{article.pk}X{position}"


def make_article(
    *,
    slug: str,
    sample: bool = False,
    published: bool = True,
    sections: int = 6,
    references: int = 6,
    members_parts: bool = True,
) -> Article:
    article = Article.objects.create(
        slug=slug,
        title=slug.replace("-", " ").title(),
        author="A. Writer",
        summary="A **summary** shared by every test article: common ground.",
        is_sample=sample,
        is_published=published,
    )
    grow_article(article, sections=sections, references=references, members_parts=members_parts)
    return article


def grow_article(
    article: Article, *, sections: int, references: int, members_parts: bool = True
) -> None:
    """Add sections (the last one lists the references) and references with DOIs or URLs."""
    start = article.sections.count()
    for position in range(start + 1, start + sections + 1):
        ArticleSection.objects.create(
            article=article,
            position=position,
            heading=f"Section {position}",
            slug=f"section-{position}",
            public_part=(
                f"Common ground, a task. {public_marker(article, position)} is for everyone."
            ),
            members_part=(
                f"Hidden ground. {members_marker(article, position)} is for members."
                if members_parts
                else ""
            ),
        )
    ArticleSection.objects.filter(article=article).update(shows_references=False)
    last = article.sections.order_by("-position").first()
    if last:
        ArticleSection.objects.filter(pk=last.pk).update(shows_references=True)
    start = article.references.count()
    for position in range(start + 1, start + references + 1):
        if position % 2:
            doi, url = f"10.1000/test.{article.pk}.{position}", ""
            citation = (
                f"Author {position}. A study. J Test. 2020;1:{position}. https://doi.org/{doi}"
            )
        else:
            doi, url = "", f"https://example.org/{article.pk}/{position}"
            citation = f"Body {position}. A report. 2021. {url} (accessed 1 May 2024)"
        ArticleReference.objects.create(
            article=article, position=position, citation=citation, doi=doi, url=url
        )
