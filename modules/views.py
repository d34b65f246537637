from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView

from .content import module_structure
from .forms import AnnouncementForm, CohortCodeForm, EnrolForm
from .models import Cohort, Enrolment, Module
from .services import (
    announcement_create,
    cohort_enrol_by_code,
    enrolment_create,
    enrolment_delete,
)


class ModuleDetailView(DetailView):
    """The module overview: readable by everyone, visitors included; signed-in trainees
    also enrol here and see their progress."""

    template_name = "modules/module_detail.html"
    context_object_name = "module"

    def get_object(self, queryset=None):
        """The content structure comes from the cache (modules.content); the topics with
        this user's progress are read fresh."""
        from topics.models import Topic  # topics builds on modules, not the reverse

        user = self.request.user
        module = module_structure(self.kwargs["slug"])
        if module is None or not module.is_visible_to(user):
            raise Http404("No module here.")
        topics = Topic.objects.annotate(task_total=Count("tasks"))
        if user.is_authenticated:
            topics = Topic.objects.with_progress_for(user)
        prefetch_related_objects([module], Prefetch("topics", queryset=topics))
        return module

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        module = self.object
        if not user.is_authenticated:
            return context
        from topics.selectors import next_task, progress_from_topics

        required = [link.required for link in module.prerequisite_links.all()]
        enrolments = {
            e.module_id: e
            for e in Enrolment.objects.filter(
                user=user, module__in=[module, *required]
            ).select_related("cohort")
        }
        enrolment = enrolments.get(module.pk)
        done_here = {
            pk: e.completed_at for pk, e in enrolments.items() if e.completed_at is not None
        }
        missing = [m for m in required if m.pk not in done_here]
        context.update(
            enrolment=enrolment,
            prerequisites_missing=missing,
            prerequisites_done=[(m, done_here[m.pk]) for m in required if m.pk in done_here],
            progress=progress_from_topics(module, module.topics.all(), enrolment=enrolment),
        )
        if enrolment is not None:
            context["next_task"] = next_task(user=user, module=module)
        elif module.is_offered:
            cohorts = list(Cohort.objects.filter(module=module).order_by("starts_on", "name"))
            open_cohorts = [c for c in cohorts if c.is_open]
            if open_cohorts or not cohorts:  # no cohort yet: the first enrolment makes one
                context["enrol_form"] = EnrolForm(missing=missing, cohorts=open_cohorts)
            else:
                context["enrol_by_code"] = CohortCodeForm()
        return context


class ModuleEnrolView(LoginRequiredMixin, ModuleDetailView):
    """POST: enrol. A missing confirmation re-renders the overview with the error by the box."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = module = self.get_object()
        if not module.is_offered:
            raise Http404("This module is not offered on this portal.")
        context = self.get_context_data()
        if context.get("enrolment") is not None:
            messages.info(request, f"You are already enrolled in {module.title}.")
            return redirect(module)
        if "enrol_form" not in context:
            messages.error(request, "This module takes trainees by invitation or enrolment code.")
            return redirect(module)
        form = EnrolForm(
            request.POST,
            missing=context["prerequisites_missing"],
            cohorts=list(Cohort.objects.filter(module=module, is_open=True)),
        )
        if not form.is_valid():
            context["enrol_form"] = form
            return self.render_to_response(context)
        try:
            enrolment_create(
                user=request.user, module=module, cohort=form.chosen_cohort,
                prerequisites_confirmed=form.prerequisites_confirmed, check_capacity=True,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("cohort" if "cohort" in form.fields else None, error)
            context["enrol_form"] = form
            return self.render_to_response(context)
        messages.success(request, f"You are enrolled in {module.title}. Welcome!")
        return redirect(module)


class CohortCodeView(LoginRequiredMixin, View):
    """Type a cohort's enrolment code; a code that opens a cohort leads to its join page."""

    template_name = "modules/cohort_code.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CohortCodeForm()})

    def post(self, request):
        form = CohortCodeForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["code"]
            if Cohort.objects.filter(enrolment_code=code, is_open=True).exists():
                return redirect("modules:join", code=code)
            form.add_error(
                "code", "No open cohort has that code. Check it with whoever gave it to you."
            )
        return render(request, self.template_name, {"form": form})


class CohortJoinView(LoginRequiredMixin, View):
    """A cohort's shareable link: who it is for, and "Join" (with the module's prerequisite
    confirmation where needed). Closed cohorts and unknown codes: 404."""

    template_name = "modules/cohort_join.html"

    def get_cohort(self) -> Cohort:
        return get_object_or_404(
            Cohort.objects.select_related("module").filter(
                is_open=True, module__is_offered=True, module__is_published=True
            ),
            enrolment_code=self.kwargs["code"],
        )

    def context(self, cohort: Cohort, form=None) -> dict:
        module = cohort.module
        required = list(module.prerequisites.all())
        done = set(
            Enrolment.objects.filter(
                user=self.request.user, module__in=required, completed_at__isnull=False
            ).values_list("module_id", flat=True)
        )
        missing = [m for m in required if m.pk not in done]
        enrolment = (
            Enrolment.objects.filter(user=self.request.user, module=module)
            .select_related("cohort")
            .first()
        )
        return {
            "cohort": cohort,
            "module": module,
            "enrolment": enrolment,
            "prerequisites_missing": missing,
            "form": form or EnrolForm(missing=missing, cohorts=[cohort]),
        }

    def get(self, request, code):
        return render(request, self.template_name, self.context(self.get_cohort()))

    def post(self, request, code):
        cohort = self.get_cohort()
        context = self.context(cohort)
        form = EnrolForm(request.POST, missing=context["prerequisites_missing"], cohorts=[cohort])
        if not form.is_valid():
            return render(request, self.template_name, self.context(cohort, form))
        try:
            cohort_enrol_by_code(user=request.user, code=cohort.enrolment_code)
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, self.template_name, self.context(cohort, form))
        if form.prerequisites_confirmed:
            enrolment_create(user=request.user, module=cohort.module, prerequisites_confirmed=True)
        messages.success(
            request, f"You are enrolled in {cohort.module.title}, cohort “{cohort.name}”. Welcome!"
        )
        return redirect(cohort.module)


class ModuleLeaveView(LoginRequiredMixin, DetailView):
    """GET asks for confirmation; POST leaves. What the trainee wrote is kept."""

    template_name = "modules/module_leave.html"
    context_object_name = "module"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Module.objects.visible_to(self.request.user).enrolled_by(self.request.user),
            slug=self.kwargs["slug"],
        )

    def post(self, request, *args, **kwargs):
        module = self.get_object()
        enrolment_delete(user=request.user, module=module)
        messages.success(
            request,
            f"You have left {module.title}. Your reflections are kept, and so is the record "
            "of the tasks you did, should you enrol again.",
        )
        return redirect(module)


class AnnounceView(LoginRequiredMixin, View):
    """A cohort's tutor (or a lead tutor, or staff) writes to its trainees; the page lists
    what was sent before. Anyone else: 404."""

    template_name = "modules/announce.html"

    def get_cohort(self) -> Cohort:
        cohorts = Cohort.objects.select_related("module")
        if not self.request.user.is_staff:
            cohorts = cohorts.tutored_by(self.request.user)
        return get_object_or_404(cohorts, pk=self.kwargs["pk"])

    def render_page(self, cohort, form):
        past = cohort.announcements.select_related("author")[:20]
        return render(
            self.request, self.template_name, {"cohort": cohort, "form": form, "past": past}
        )

    def get(self, request, pk):
        return self.render_page(self.get_cohort(), AnnouncementForm())

    def post(self, request, pk):
        cohort = self.get_cohort()
        form = AnnouncementForm(request.POST)
        if form.is_valid():
            try:
                announcement_create(cohort=cohort, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"Your announcement is on its way to the trainees of {cohort.name}."
                )
                return redirect("modules:announce", pk=cohort.pk)
        return self.render_page(cohort, form)


class AnnouncementView(LoginRequiredMixin, View):
    """An announcement, for the trainees of its cohort and those who may write to it."""

    def get(self, request, pk):
        from .models import CohortAnnouncement

        user = request.user
        announcements = CohortAnnouncement.objects.select_related("cohort__module", "author")
        if not user.is_staff:
            announcements = announcements.filter(
                Q(cohort__enrolments__user=user) | Q(cohort__in=Cohort.objects.tutored_by(user))
            )
        announcement = get_object_or_404(announcements.distinct(), pk=pk)
        return render(request, "modules/announcement.html", {"announcement": announcement})
