from adminsortable2.admin import SortableAdminBase
from django.contrib import admin, messages
from django.db.models import Count, Q

from portal.admin_tools import MarkdownPreviewMixin, OrderedStackedInline, PositionedAdminMixin

from .models import Article, ArticleReference, ArticleSection


class ArticleSectionInline(MarkdownPreviewMixin, OrderedStackedInline):
    model = ArticleSection
    ordering = ["position"]
    extra = 0
    fields = [
        ("heading", "slug"),
        "public_part",
        "members_part",
        "shows_references",
        "markdown_preview",
    ]
    prepopulated_fields = {"slug": ["heading"]}
    markdown_fields = ("public_part", "members_part")
    show_change_link = True


class ArticleReferenceInline(OrderedStackedInline):
    model = ArticleReference
    ordering = ["position"]
    extra = 0
    fields = ["accessed_on", "citation", ("doi", "url")]


@admin.register(Article)
class ArticleAdmin(MarkdownPreviewMixin, SortableAdminBase, admin.ModelAdmin):
    list_display = ["title", "author", "published_on", "is_sample", "is_published", "sections"]
    list_filter = ["is_sample", "is_published"]
    search_fields = ["title", "author", "summary", "sections__heading"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleSectionInline, ArticleReferenceInline]
    markdown_fields = ("summary",)
    actions = ["mark_as_samples", "unmark_as_samples"]

    @admin.action(description="Make the selected articles samples (free to read in full)")
    def mark_as_samples(self, request, queryset):
        count = queryset.update(is_sample=True)
        self.message_user(
            request,
            f"{count} article{'s are' if count != 1 else ' is'} now a sample: visitors read "
            "every section in full, and gated articles link to the sample articles.",
            messages.SUCCESS,
        )

    @admin.action(description="Stop the selected articles being samples")
    def unmark_as_samples(self, request, queryset):
        count = queryset.update(is_sample=False)
        self.message_user(
            request,
            f"{count} article{'s' if count != 1 else ''} no longer a sample.",
            messages.SUCCESS,
        )

    def changelist_view(self, request, extra_context=None):
        # The gate's "Read sample articles" link shows only when there is a sample to
        # read; say so where samples are made. (After an action, the page it leads to says.)
        articles = Article.objects.published()
        if request.method == "GET" and (
            not articles.samples().exists()
            and articles.filter(~Q(sections__members_part="")).exists()
        ):
            self.message_user(
                request,
                "Visitors on an article with a members' part are offered “Read sample "
                "articles” only once a published article is a sample: tick “sample article” "
                "on one, or use the action below.",
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_total=Count("sections"))

    @admin.display(description="Sections", ordering="section_total")
    def sections(self, obj) -> int:
        return obj.section_total


@admin.register(ArticleSection)
class ArticleSectionAdmin(PositionedAdminMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    parent_field = "article"
    list_display = ["heading", "article", "position", "shows_references"]
    list_filter = ["article"]
    search_fields = ["heading", "public_part", "members_part", "article__title"]
    list_select_related = ["article"]
    prepopulated_fields = {"slug": ["heading"]}
    markdown_fields = ("public_part", "members_part")


@admin.register(ArticleReference)
class ArticleReferenceAdmin(PositionedAdminMixin, admin.ModelAdmin):
    parent_field = "article"
    list_display = ["__str__", "article", "position", "doi"]
    list_filter = ["article"]
    search_fields = ["citation", "doi", "url", "article__title"]
    list_select_related = ["article"]
