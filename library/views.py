"""The library index, the article page (gated per section) and the portal's search."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from modules.models import Module

from .forms import SearchForm
from .models import Article
from .search import search_portal


class LibraryCrumb:
    """The "Library" step of a breadcrumb."""

    breadcrumb_label = "Library"

    def get_absolute_url(self) -> str:
        return reverse("library:index")


def _using_resources(user):
    """Task resources that point at an article, in modules this user may see taught."""
    resource_model = Article._meta.get_field("resources").related_model
    taught = Module.objects.taught_to(user)
    return resource_model.objects.filter(task__topic__module__in=taught).select_related(
        "task__topic__module"
    )


def topics_using(resources) -> list:
    """The distinct topics whose tasks use the article, in module and topic order."""
    topics = {}
    for resource in resources:
        topics.setdefault(resource.task.topic_id, resource.task.topic)
    return sorted(topics.values(), key=lambda t: (t.module.position, t.module.title, t.number))


class ArticleListView(ListView):
    template_name = "library/article_list.html"
    context_object_name = "articles"
    paginate_by = 20
    samples_only = False

    def get_queryset(self):
        articles = Article.objects.visible_to(self.request.user)
        if self.samples_only:
            articles = articles.samples()
        return (
            articles.with_section_counts()
            .order_by("title", "pk")
            .prefetch_related(Prefetch("resources", queryset=_using_resources(self.request.user)))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for article in context["articles"]:
            article.topics_using = topics_using(article.resources.all())
        context.update(samples_only=self.samples_only, library_crumb=LibraryCrumb())
        return context


class ArticleDetailView(DetailView):
    """Every section's public part for everyone; the members' part for members or samples."""

    template_name = "library/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Article.objects.visible_to(self.request.user), slug=self.kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article, user = self.object, self.request.user
        whole = article.is_whole_for(user)
        sections = list(article.sections.for_reader(whole=whole))
        references = list(article.references.all())
        slugs = {section.slug for section in sections}
        requested = self.request.GET.get("section")
        opened = requested if requested in slugs else (sections[0].slug if sections else None)
        login = reverse("account_login")
        for section in sections:
            section.is_open = section.slug == opened
            section.is_gated = section.has_members_part and not whole
            section.sign_in_url = f"{login}?{urlencode({'next': section.get_absolute_url()})}"
        gated = [section for section in sections if section.is_gated]
        reference_section = next((s for s in sections if s.shows_references), None)
        context.update(
            library_crumb=LibraryCrumb(),
            sections=sections,
            references=references,
            reference_section=reference_section,
            whole=whole,
            gated_count=len(gated),
            members_part_count=sum(1 for s in sections if s.has_members_part),
            samples_exist=bool(gated) and Article.objects.published().samples().exists(),
            topics_using=topics_using(_using_resources(user).filter(article=article)),
        )
        return context


class SearchView(TemplateView):
    """``?q=`` over library articles and module content; the gate holds in the results."""

    template_name = "library/search.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET if "q" in self.request.GET else None)
        context.update(form=form, page_obj=None, query="")
        if form.is_bound and form.is_valid():
            query = form.cleaned_data["q"]
            hits = search_portal(query, user=self.request.user)
            page = Paginator(hits, self.paginate_by).get_page(self.request.GET.get("page"))
            context.update(
                query=query,
                hit_count=len(hits),
                page_obj=page,
                hits=page.object_list,
                query_string=urlencode({"q": query}),
            )
        return context
