from adminsortable2.admin import SortableAdminBase
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from portal.admin_tools import MarkdownPreviewMixin, OrderedTabularInline

from .models import (
    Cohort,
    Enrolment,
    LearningOutcome,
    Module,
    ModuleTutor,
    Prerequisite,
    Tutor,
)
from .services import enrolment_move


class LearningOutcomeInline(OrderedTabularInline):
    model = LearningOutcome
    ordering = ["position"]
    extra = 0


class PrerequisiteInline(OrderedTabularInline):
    model = Prerequisite
    ordering = ["position"]
    fk_name = "module"
    extra = 0
    autocomplete_fields = ["required"]


class ModuleTutorInline(OrderedTabularInline):
    """The module's tutors. A tutor reviews the module's reflections once their Tutor
    profile is linked to a user account (on the tutor's page)."""

    model = ModuleTutor
    ordering = ["position"]
    extra = 0
    autocomplete_fields = ["tutor"]
    fields = ["tutor", "is_lead", "reviews_as"]
    readonly_fields = ["reviews_as"]
    verbose_name_plural = "tutors (they review this module's reflections)"

    @admin.display(description="reviews as (linked account)")
    def reviews_as(self, obj) -> str:
        user = obj.tutor.user if obj and obj.pk and obj.tutor_id else None
        return user.email if user else "not linked: cannot review"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tutor__user")


def _topic_inline():
    from topics.admin import TopicInline  # topics builds on modules

    return TopicInline


@admin.register(Module)
class ModuleAdmin(MarkdownPreviewMixin, SortableAdminBase, admin.ModelAdmin):
    list_display = [
        "title", "slug", "position", "is_published", "is_offered", "estimated_hours",
        "turnaround_days", "require_reviewed_reflections", "require_outcome_evidence",
    ]  # fmt: skip
    list_editable = ["position", "is_published", "is_offered"]
    list_filter = ["is_published", "is_offered"]
    search_fields = ["title", "summary", "introduction"]
    prepopulated_fields = {"slug": ["title"]}
    markdown_fields = ("introduction", "how_it_works")
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "summary", "position"]}),
        ("Text", {"fields": ["introduction", "how_it_works", "outcomes_intro"]}),
        ("Companion website", {"fields": ["companion_site_name", "companion_site_url"]}),
        ("Publishing", {"fields": ["is_published", "is_offered", "estimated_hours"]}),
        (
            "Review and certificate",
            {
                "fields": [
                    "turnaround_days",
                    "require_reviewed_reflections",
                    "require_outcome_evidence",
                ],
                "description": "What a trainee's certificate needs besides every task done. "
                "Relaxing a rule changes what new certificates say they attest.",
            },
        ),
        ("Preview", {"fields": ["markdown_preview"]}),
    ]

    def get_inlines(self, request, obj):
        return [PrerequisiteInline, LearningOutcomeInline, ModuleTutorInline, _topic_inline()]


@admin.register(Tutor)
class TutorAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["name", "role_line", "user"]
    search_fields = ["name", "role_line", "user__email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    markdown_fields = ("biography",)


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "module", "name", "starts_on", "ends_on", "capacity", "tutors", "is_open",
            "enrolment_code",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        module, tutors = cleaned.get("module"), cleaned.get("tutors")
        if module is not None and tutors:
            allowed = set(module.tutors.values_list("pk", flat=True))
            strangers = [t.name for t in tutors if t.pk not in allowed]
            if strangers:
                self.add_error(
                    "tutors",
                    f"{', '.join(strangers)} do not tutor {module}: add them to the module's "
                    "tutors first.",
                )
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "A cohort ends on or after the day it starts.")
        return cleaned

    def clean_enrolment_code(self) -> str:
        code = "".join(self.cleaned_data["enrolment_code"].split()).upper()
        if len(code) < 6 or any(c not in "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" for c in code):
            raise ValidationError(
                "At least six capital letters and digits 2–9 (no 0, 1, I or O, which look alike)."
            )
        return code


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """Cohorts of a module: dates, capacity, tutors (from the module's), the code and
    link trainees join with. Trainees are moved between cohorts from Enrolments."""

    form = CohortForm
    list_display = [
        "name", "module", "starts_on", "ends_on", "enrolled", "capacity", "is_open",
        "enrolment_code", "join_link", "bulk_enrol",
    ]  # fmt: skip
    list_filter = ["module", "is_open"]
    search_fields = ["name", "enrolment_code", "module__title"]
    filter_horizontal = ["tutors"]
    readonly_fields = ["join_link", "enrolled"]

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .select_related("module")
            .annotate(enrolled_count=Count("enrolments"))
        )

    @admin.display(description="enrolled", ordering="enrolled_count")
    def enrolled(self, obj) -> int:
        return getattr(obj, "enrolled_count", 0) if obj and obj.pk else 0

    @admin.display(description="shareable link")
    def join_link(self, obj) -> str:
        if not obj or not obj.pk:
            return "Made from the code once saved."
        return format_html('<a href="{0}">{0}</a>', obj.get_absolute_url())

    @admin.display(description="bulk enrolment")
    def bulk_enrol(self, obj) -> str:
        # The upload pages belong to the organisations app (it names employers too).
        return format_html(
            '<a href="{}">Enrol from a CSV</a>',
            reverse("organisations:bulk_upload", kwargs={"pk": obj.pk}),
        )

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["module", "name", ("starts_on", "ends_on"), "capacity"]}),
            ("Tutors", {"fields": ["tutors"]}),
            ("Self-enrolment", {"fields": ["is_open", "enrolment_code", "join_link"]}),
        ]


class MoveForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), label="Move them to")

    def __init__(self, *args, module, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(module=module)


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["user", "module", "cohort", "prerequisites_confirmed_at", "completed_at"]

    def clean(self):
        cleaned = super().clean()
        module, cohort = cleaned.get("module"), cleaned.get("cohort")
        if module is not None and cohort is not None and cohort.module_id != module.pk:
            self.add_error("cohort", f"Choose a cohort of {module}.")
        return cleaned


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = [
        "user", "module", "cohort", "enrolled_at", "prerequisites_confirmed_at", "completed_at",
    ]  # fmt: skip
    list_filter = ["module", "cohort", "completed_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "module", "cohort"]
    autocomplete_fields = ["user"]
    actions = ["move_to_cohort"]

    def get_readonly_fields(self, request, obj=None):
        # A saved enrolment changes cohort through the move action, which moves the
        # trainee's debate contributions too.
        return ["cohort"] if obj is not None and obj.pk else []

    form = EnrolmentForm

    @admin.action(description="Move the selected trainees to another cohort")
    def move_to_cohort(self, request, queryset):
        modules = set(queryset.values_list("module_id", flat=True))
        if len(modules) != 1:
            self.message_user(
                request, "Choose trainees of one module at a time to move.", messages.ERROR
            )
            return None
        module = Module.objects.get(pk=modules.pop())
        form = MoveForm(request.POST if "apply" in request.POST else None, module=module)
        if "apply" in request.POST and form.is_valid():
            cohort = form.cleaned_data["cohort"]
            moved = 0
            for enrolment in queryset.select_related("cohort", "user", "module"):
                if enrolment.cohort_id != cohort.pk:
                    enrolment_move(enrolment=enrolment, cohort=cohort)
                    moved += 1
            self.message_user(
                request,
                f"Moved {moved} trainee{'s' if moved != 1 else ''} to “{cohort.name}”, with "
                "their debate arguments, replies and stances.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/modules/enrolment/move_to_cohort.html",
            {
                **self.admin_site.each_context(request),
                "title": "Move trainees to another cohort",
                "module": module,
                "enrolments": queryset.select_related("user", "cohort"),
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "changelist_url": reverse("admin:modules_enrolment_changelist"),
            },
        )
