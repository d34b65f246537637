from django.contrib import admin
from django.db.models import Count

from portal.admin_tools import MarkdownPreviewMixin

from .models import Article, ArticleReference, ArticleSection


class ArticleSectionInline(MarkdownPreviewMixin, admin.StackedInline):
    model = ArticleSection
    extra = 0
    fields = [
        ("position", "heading", "slug"),
        "public_part",
        "members_part",
        "shows_references",
        "markdown_preview",
    ]
    prepopulated_fields = {"slug": ["heading"]}
    markdown_fields = ("public_part", "members_part")
    show_change_link = True


class ArticleReferenceInline(admin.StackedInline):
    model = ArticleReference
    extra = 0
    fields = [("position", "accessed_on"), "citation", ("doi", "url")]


@admin.register(Article)
class ArticleAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["title", "author", "published_on", "is_sample", "is_published", "sections"]
    list_filter = ["is_sample", "is_published"]
    search_fields = ["title", "author", "summary", "sections__heading"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleSectionInline, ArticleReferenceInline]
    markdown_fields = ("summary",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_total=Count("sections"))

    @admin.display(description="Sections", ordering="section_total")
    def sections(self, obj) -> int:
        return obj.section_total


@admin.register(ArticleSection)
class ArticleSectionAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["heading", "article", "position", "shows_references"]
    list_filter = ["article"]
    search_fields = ["heading", "public_part", "members_part", "article__title"]
    list_select_related = ["article"]
    prepopulated_fields = {"slug": ["heading"]}
    markdown_fields = ("public_part", "members_part")


@admin.register(ArticleReference)
class ArticleReferenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "position", "doi"]
    list_filter = ["article"]
    search_fields = ["citation", "doi", "url", "article__title"]
    list_select_related = ["article"]
