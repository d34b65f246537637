"""A trainee's own tracking: done marks, checklist ticks, the timetable and its calendars.

Reading a module's content needs only sign-in; every write here needs an enrolment in
the module, and answers 404 without one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import FormView

from modules.models import Enrolment, Module

from .calendar import timetable_calendar
from .forms import TimetableForm
from .hooks import timetable_events
from .models import CalendarFeedToken, ChecklistItem, Task, TimetableTarget, Topic
from .selectors import module_progress
from .services import (
    calendar_feed_token_reset,
    checklist_item_tick,
    task_mark_done,
    task_mark_undone,
    timetable_set,
)
from .views import ModuleContentMixin


def _enrolled_module(request, module_slug: str) -> tuple[Module, Enrolment]:
    """The offered, visible module and the user's enrolment in it, or 404."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("module").filter(
            module__in=Module.objects.taught_to(request.user)
        ),
        user=request.user,
        module__slug=module_slug,
    )
    return enrolment.module, enrolment


def _task(module: Module, number: int, position: int, user) -> Task:
    task = get_object_or_404(
        Task.objects.with_progress_for(user).select_related("topic"),
        topic__module=module,
        topic__number=number,
        position=position,
    )
    task.topic.module = module
    return task


def _flag(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


@login_required
@require_POST
def task_done_view(request, module_slug: str, number: int, position: int):
    """Mark a task done ("1") or not done ("0"); htmx gets the panel back, others a redirect."""
    module, enrolment = _enrolled_module(request, module_slug)
    task = _task(module, number, position, request.user)
    done = _flag(request.POST.get("done"))
    if done is None:
        return HttpResponseBadRequest("done must be 1 or 0")
    if done:
        task_mark_done(user=request.user, task=task)
    else:
        task_mark_undone(user=request.user, task=task)
    if not request.htmx:
        if done:
            messages.success(request, f"“{task.title}” is marked as done.")
        else:
            messages.info(request, f"“{task.title}” is marked as not done.")
        return redirect(task)
    task = _task(module, number, position, request.user)  # fresh done_at
    enrolment.refresh_from_db(fields=["completed_at"])  # the service may have completed it
    return render(
        request,
        "topics/includes/task_done_panel.html",
        {
            "task": task,
            "topic": task.topic,
            "module": module,
            "enrolment": enrolment,
            "progress": module_progress(user=request.user, module=module),
            "announce": True,
        },
    )


@login_required
@require_POST
def checklist_tick_view(request, module_slug: str, number: int, position: int, item_id: int):
    """Tick ("1") or untick ("0") one item of a checklist resource on the task."""
    module, _ = _enrolled_module(request, module_slug)
    task = _task(module, number, position, request.user)
    item = get_object_or_404(
        ChecklistItem.objects.select_related("resource"),
        pk=item_id,
        resource__task=task,
        resource__kind="checklist",
    )
    ticked = _flag(request.POST.get("ticked"))
    if ticked is None:
        return HttpResponseBadRequest("ticked must be 1 or 0")
    checklist_item_tick(user=request.user, item=item, ticked=ticked)
    if not request.htmx:
        messages.success(request, f"{'Ticked' if ticked else 'Unticked'}: “{item.text}”.")
        return redirect(task.get_absolute_url() + f"#resource-{item.resource_id}")
    item.is_ticked = ticked
    return render(
        request,
        "topics/includes/checklist_item.html",
        {"item": item, "task": task, "topic": task.topic, "module": module, "enrolment": True},
    )


class TimetableView(ModuleContentMixin, FormView):
    """A target date per topic. Anyone signed in may look; only the enrolled may save."""

    template_name = "topics/timetable.html"
    form_class = TimetableForm

    def get_topics(self) -> list[Topic]:
        if not hasattr(self, "_progress"):
            self._progress = module_progress(user=self.request.user, module=self.get_module())
        return self._progress.topics

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "topics": self.get_topics()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        module = self.get_module()
        feed = CalendarFeedToken.objects.filter(user=self.request.user).first()
        enrolment = self.get_enrolment()
        context.update(
            module=module,
            enrolment=enrolment,
            events=timetable_events(self.request.user, module) if enrolment else [],
            progress=self._progress,
            feed_url=(
                self.request.build_absolute_uri(
                    reverse(
                        "topics:calendar_feed",
                        kwargs={"module_slug": module.slug, "token": feed.token},
                    )
                )
                if feed
                else None
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.get_enrolment() is None:
            raise Http404("Not enrolled in this module.")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        timetable_set(user=self.request.user, module=self.get_module(), targets=form.targets)
        messages.success(self.request, "Your timetable is saved.")
        for topic, day in form.past_targets():
            messages.warning(
                self.request,
                f"The target date for {topic} ({day.day} {day:%B %Y}) has already passed: "
                "the topic is flagged as overdue until its tasks are done.",
            )
        return redirect("topics:timetable", module_slug=self.get_module().slug)


def _calendar_response(request, module: Module, user, *, download: bool) -> HttpResponse:
    targets = list(
        TimetableTarget.objects.filter(user=user, topic__module=module).select_related("topic")
    )
    body = timetable_calendar(
        module=module,
        targets=targets,
        base_url=f"{request.scheme}://{request.get_host()}",
        host=request.get_host().split(":")[0],
        events=timetable_events(user, module),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if download:
        response["Content-Disposition"] = f'attachment; filename="{module.slug}-timetable.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def timetable_ics_view(request, module_slug: str):
    """Download the signed-in trainee's timetable for the module as an .ics file."""
    module, _ = _enrolled_module(request, module_slug)
    return _calendar_response(request, module, request.user, download=True)


@require_safe
def calendar_feed_view(request, module_slug: str, token: str):
    """The subscribable feed: the token in the address stands in for signing in.

    An unknown or reset token, or a module the owner has left, is 404.
    """
    feed = get_object_or_404(CalendarFeedToken.objects.select_related("user"), token=token)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("module"),
        user=feed.user,
        module__slug=module_slug,
        module__is_offered=True,
        module__is_published=True,
    )
    response = _calendar_response(request, enrolment.module, feed.user, download=False)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_feed_reset_view(request, module_slug: str):
    """Create the private feed address, or replace it so the old one stops working."""
    module, _ = _enrolled_module(request, module_slug)
    had_one = CalendarFeedToken.objects.filter(user=request.user).exists()
    calendar_feed_token_reset(user=request.user)
    messages.success(
        request,
        "Your calendar feed has a new address; the old one no longer works."
        if had_one
        else "Your private calendar feed address is ready.",
    )
    return redirect(reverse("topics:timetable", kwargs={"module_slug": module.slug}) + "#feed")
