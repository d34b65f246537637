from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView

from .content import module_structure
from .forms import EnrolForm
from .models import Enrolment, Module
from .services import enrolment_create, enrolment_delete


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
            for e in Enrolment.objects.filter(user=user, module__in=[module, *required])
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
            context["enrol_form"] = EnrolForm(missing=missing)
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
        form = EnrolForm(request.POST, missing=context["prerequisites_missing"])
        if not form.is_valid():
            context["enrol_form"] = form
            return self.render_to_response(context)
        enrolment_create(
            user=request.user, module=module, prerequisites_confirmed=form.prerequisites_confirmed
        )
        messages.success(request, f"You are enrolled in {module.title}. Welcome!")
        return redirect(module)


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
