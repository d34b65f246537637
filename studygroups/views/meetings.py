"""Meetings: scheduling (all topics in one form, or one), the meeting page, answers, notes
with their history, action items and the plan of open meetings."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from portal.ids import parse_id
from portal.markdown import render_markdown
from portal.once import once
from topics.models import Task

from .. import selectors, services
from ..access import GroupAccessMixin
from ..calendar import meeting_download
from ..forms import (
    ActionItemForm,
    MeetingForm,
    NotesForm,
    ResponseForm,
    ScheduleAllForm,
    VisitForm,
)
from ..models import ActionItem, MeetingResponse, OpenMeetingVisit


def _back(request, default: str) -> str:
    """Where a small form posted from another page of the portal returns to."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SchedulerMixin(GroupAccessMixin):
    """Views that schedule or change meetings: the convenor, or any member when the group
    allows it; others are told so."""

    members_only = True

    def refuse(self):
        messages.error(
            self.request, "Only the convenor schedules and changes meetings in this group."
        )
        return redirect(self.group)

    def open_topics(self):
        taken = set(self.group.meetings.scheduled().values_list("topic_id", flat=True))
        return [t for t in selectors.group_topics(self.group) if t.pk not in taken]


class ScheduleAllView(SchedulerMixin, View):
    """Every topic without a meeting, in one form: the page a new group lands on."""

    def render(self, form, status=200):
        return render(
            self.request,
            "studygroups/schedule_all.html",
            {"group": self.group, "form": form, "zone": self.viewer.zone},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        if not self.viewer.may_schedule:
            return self.refuse()
        topics = self.open_topics()
        if not topics:
            messages.info(request, "Every topic has its meeting already.")
            return redirect(self.group)
        return self.render(ScheduleAllForm(zone=self.viewer.zone, topics=topics))

    def post(self, request, *args, **kwargs):
        if not self.viewer.may_schedule:
            return self.refuse()
        form = ScheduleAllForm(request.POST, zone=self.viewer.zone, topics=self.open_topics())
        if not form.is_valid():
            return self.render(form, status=400)
        back = self.group.get_absolute_url() + "#meetings"
        try:
            with once(request, "studygroups:schedule", fallback=back) as sent:
                if sent.result:  # the same form sent twice: the meetings once
                    return redirect(sent.result)
                meetings = services.meetings_schedule_all(
                    group=self.group, by=self.viewer.membership, plans=form.plans
                )
                sent.keep(back)
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.render(form, status=409)
        count = len(meetings)
        messages.success(
            request,
            f"{count} meeting{'s' if count != 1 else ''} scheduled. Each is the deadline for "
            "its topic; members are told and find them in their timetable and calendar.",
        )
        return redirect(self.group.get_absolute_url() + "#meetings")


class MeetingCreateView(SchedulerMixin, View):
    """One meeting (``?topic=<number>`` chooses the topic)."""

    def render(self, form, status=200):
        return render(
            self.request,
            "studygroups/meeting_form.html",
            {"group": self.group, "form": form, "meeting": None, "zone": self.viewer.zone},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        if not self.viewer.may_schedule:
            return self.refuse()
        topics = self.open_topics()
        if not topics:
            messages.info(request, "Every topic has its meeting already: move one instead.")
            return redirect(self.group)
        chosen = next((t for t in topics if str(t.number) == request.GET.get("topic")), None)
        initial = {"topic": str(chosen.pk)} if chosen else {}
        return self.render(MeetingForm(zone=self.viewer.zone, topics=topics, initial=initial))

    def post(self, request, *args, **kwargs):
        if not self.viewer.may_schedule:
            return self.refuse()
        form = MeetingForm(request.POST, zone=self.viewer.zone, topics=self.open_topics())
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            with once(
                request, "studygroups:meeting_create", fallback=self.group.get_absolute_url()
            ) as sent:
                if sent.result:  # the same form sent twice: one meeting
                    return redirect(sent.result)
                meeting = services.meeting_schedule(
                    group=self.group, by=self.viewer.membership, plan=form.plan
                )
                sent.keep(meeting.get_absolute_url())
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.render(form, status=409)
        messages.success(request, "The meeting is scheduled; the members are told.")
        return redirect(meeting)


class MeetingMixin(GroupAccessMixin):
    """Views of one meeting of the group (404 for a meeting of any other group)."""

    def get_meeting(self):
        if not hasattr(self, "_meeting"):
            self._meeting = selectors.meeting_for(self.group, self.kwargs["meeting"])
        return self._meeting


class MeetingDetailView(MeetingMixin, View):
    """The meeting: when and where, who comes, the agenda, the notes, action items and,
    where the topic asks for one, the plan of open meetings. Fixed queries."""

    def get(self, request, *args, **kwargs):
        return self.page()

    def page(self, *, status=200, **forms):
        viewer, meeting = self.viewer, self.get_meeting()
        members = selectors.group_members(self.group)
        details = selectors.meeting_details(meeting, members=members, me=viewer.membership)
        guide = getattr(meeting.topic, "study_guide", None)
        me = next((m for m in members if m.pk == viewer.membership.pk), viewer.membership)
        task = (
            Task.objects.filter(topic_id=meeting.topic_id, kind=Task.Kind.DISCUSSION)
            .only("pk", "position")
            .first()
        )
        context = {
            "group": self.group,
            "meeting": meeting,
            "viewer": viewer,
            "me": me,
            "zone": viewer.zone,
            "members": members,
            "people": [m for m in members if m.user_id],
            "guide": guide,
            "task_url": reverse(
                "topics:task",
                kwargs={
                    "module_slug": self.group.module.slug,
                    "number": meeting.topic.number,
                    "position": task.position,
                },
            )
            if task
            else "",
            "answers": MeetingResponse.Answer.choices,
            **details,
        }
        if not viewer.is_supervisor:
            context["action_form"] = ActionItemForm(
                members=members, me=viewer.membership,
                suggestions=guide.suggestions if guide else (),
            )  # fmt: skip
            if guide and guide.open_meeting_plan:
                context["visit_form"] = VisitForm(zone=viewer.zone)
        context.update({name: form for name, form in forms.items() if name in context})
        return render(self.request, "studygroups/meeting_detail.html", context, status=status)


class MeetingEditView(SchedulerMixin, MeetingMixin, View):
    def render(self, form, status=200):
        return render(
            self.request,
            "studygroups/meeting_form.html",
            {"group": self.group, "form": form, "meeting": self.get_meeting(),
             "zone": self.viewer.zone},
            status=status,
        )  # fmt: skip

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        if not self.viewer.may_schedule:
            return self.refuse()
        if meeting.is_cancelled:
            raise Http404("A cancelled meeting cannot be changed.")
        return self.render(MeetingForm(zone=self.viewer.zone, meeting=meeting))

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        if not self.viewer.may_schedule:
            return self.refuse()
        form = MeetingForm(request.POST, zone=self.viewer.zone, meeting=meeting)
        if not form.is_valid():
            return self.render(form, status=400)
        previous = meeting.sequence
        try:
            meeting = services.meeting_update(
                meeting=meeting, by=self.viewer.membership, plan=form.plan
            )
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.render(form, status=409)
        if meeting.sequence == previous:
            messages.info(request, "Nothing was changed.")
        else:
            messages.success(request, "The meeting is updated; the members are told.")
        return redirect(meeting)


class MeetingCancelView(SchedulerMixin, MeetingMixin, View):
    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        if not self.viewer.may_schedule:
            return self.refuse()
        if meeting.is_cancelled:
            return redirect(meeting)
        return render(
            request,
            "studygroups/meeting_cancel.html",
            {"group": self.group, "meeting": meeting, "zone": self.viewer.zone},
        )

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        if not self.viewer.may_schedule:
            return self.refuse()
        try:
            services.meeting_cancel(meeting=meeting, by=self.viewer.membership)
        except services.GroupError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, "The meeting is cancelled; the members are told. Schedule a new one "
                "when you are ready.",
            )  # fmt: skip
        return redirect(self.group.get_absolute_url() + "#meetings")


class MeetingCalendarView(MeetingMixin, View):
    """The meeting as an .ics file to open in a calendar."""

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        response = HttpResponse(
            meeting_download(meeting), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        response["Cache-Control"] = "private, no-store"
        return response


class RespondView(MeetingMixin, View):
    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = ResponseForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose going, maybe or not going.")
        else:
            try:
                response = services.meeting_respond(
                    meeting=meeting,
                    membership=self.viewer.membership,
                    answer=form.cleaned_data["answer"],
                )
            except services.GroupError as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    f"Your answer for the {meeting.topic.breadcrumb_label} meeting: "
                    f"{response.get_answer_display().lower()}.",
                )
        return redirect(_back(request, meeting.get_absolute_url()))


# --- notes ---------------------------------------------------------------------------


class NotesEditView(MeetingMixin, View):
    """Edit the notes. A save based on an older version is refused with the writer's text
    kept in the form and the other version shown beside it, so nothing is lost."""

    members_only = True

    def render(self, form, *, conflict=None, preview=None, status=200):
        meeting = self.get_meeting()
        form.fields["body"].widget.attrs.update({
            "hx-post": reverse("reflections:preview"), "hx-trigger": "input changed delay:400ms",
            "hx-target": "#notes-preview", "hx-swap": "innerHTML", "hx-sync": "this:replace",
        })  # fmt: skip
        return render(
            self.request,
            "studygroups/notes_edit.html",
            {
                "group": self.group,
                "meeting": meeting,
                "form": form,
                "conflict": conflict,
                "preview": render_markdown(
                    preview if preview is not None else form["body"].value()
                ),
            },  # fmt: skip
            status=status,
        )

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        return self.render(
            NotesForm(initial={"body": meeting.notes, "version": meeting.notes_version})
        )

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = NotesForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        if request.POST.get("action") == "preview":
            return self.render(form, preview=form.cleaned_data["body"])
        try:
            services.notes_save(
                meeting=meeting,
                by=self.viewer.membership,
                expected_version=form.cleaned_data["version"],
                body=form.cleaned_data["body"],
            )
        except services.NotesConflict as conflict:
            # Their text goes back into the form, now based on the current version, so
            # saving again keeps it deliberately; the other version is shown to compare.
            values = request.POST.copy()
            values["version"] = conflict.current.notes_version
            self._meeting = conflict.current
            conflict.current.group = self.group
            return self.render(NotesForm(values), conflict=conflict, status=409)
        messages.success(request, f"The notes are saved (version {meeting.notes_version}).")
        return redirect(meeting.get_absolute_url() + "#notes")


class NotesHistoryView(MeetingMixin, View):
    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        versions = list(meeting.note_versions.select_related("saved_by").order_by("-number"))
        return render(
            request,
            "studygroups/notes_history.html",
            {"group": self.group, "meeting": meeting, "versions": versions,
             "viewer": self.viewer, "zone": self.viewer.zone},
        )  # fmt: skip


class NotesRestoreView(MeetingMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        number = kwargs["number"]
        if not meeting.note_versions.filter(number=number).exists():
            raise Http404("No such version.")
        expected = parse_id(request.POST.get("version", ""))
        try:
            services.notes_restore(
                meeting=meeting,
                by=self.viewer.membership,
                number=number,
                expected_version=-1 if expected is None else expected,
            )
        except services.NotesConflict:
            messages.error(
                request,
                "Not restored: the notes were saved by someone else since this page was "
                "opened. Look at the history again, then restore.",
            )
            return redirect("studygroups:notes_history", pk=self.group.pk, meeting=meeting.pk)
        messages.success(
            request, f"Version {number} is restored as version {meeting.notes_version}."
        )
        return redirect(meeting.get_absolute_url() + "#notes")


# --- action items and open meetings -----------------------------------------------------


class ActionAddView(MeetingDetailView):
    members_only = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        guide = getattr(meeting.topic, "study_guide", None)
        form = ActionItemForm(
            request.POST,
            members=selectors.group_members(self.group),
            me=self.viewer.membership,
            suggestions=guide.suggestions if guide else (),
        )
        if not form.is_valid():
            return self.page(action_form=form, status=400)
        back = meeting.get_absolute_url() + "#actions"
        try:
            with once(request, "studygroups:action_add", fallback=back) as sent:
                if sent.result:  # the same form sent twice: one item
                    return redirect(sent.result)
                services.action_item_add(
                    meeting=meeting,
                    by=self.viewer.membership,
                    owner=form.cleaned_data["owner"],
                    text=form.cleaned_data["text"],
                )
                sent.keep(back)
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.page(action_form=form, status=409)
        messages.success(request, "Action item added.")
        return redirect(back)


class ActionDoneView(MeetingMixin, View):
    """Tick an action item done ("1") or not ("0"); htmx gets the item back."""

    members_only = True

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        item = get_object_or_404(
            ActionItem.objects.select_related("owner__user"), meeting=meeting, pk=kwargs["item"]
        )
        done = {"1": True, "0": False}.get(request.POST.get("done", ""))
        if done is None:
            return HttpResponse("done must be 1 or 0", status=400)
        try:
            services.action_item_set_done(item=item, by=self.viewer.membership, done=done)
        except services.GroupError as refused:
            if request.htmx:
                return HttpResponse(refused.message, status=403)
            messages.error(request, refused.message)
            return redirect(meeting.get_absolute_url() + "#actions")
        if request.htmx:
            return render(
                request,
                "studygroups/includes/action_item.html",
                {
                    "item": item,
                    "group": self.group,
                    "meeting": meeting,
                    "me": self.viewer.membership,
                },
            )
        messages.success(request, f"“{item.text}” is {'done' if done else 'not done yet'}.")
        return redirect(meeting.get_absolute_url() + f"#action-{item.pk}")


class ActionDeleteView(MeetingMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        item = get_object_or_404(ActionItem, meeting=meeting, pk=kwargs["item"])
        try:
            services.action_item_delete(item=item, by=self.viewer.membership)
        except services.GroupError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"“{item.text}” is removed.")
        return redirect(meeting.get_absolute_url() + "#actions")


class VisitAddView(MeetingDetailView):
    members_only = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = VisitForm(request.POST, zone=self.viewer.zone)
        if not form.is_valid():
            return self.page(visit_form=form, status=400)
        back = meeting.get_absolute_url() + "#plan"
        try:
            with once(request, "studygroups:visit_add", fallback=back) as sent:
                if sent.result:  # the same form sent twice: one visit
                    return redirect(sent.result)
                services.visit_add(
                    meeting=meeting,
                    by=self.viewer.membership,
                    name=form.cleaned_data["name"],
                    on=form.cleaned_data["date"],
                    place=form.cleaned_data["place"],
                    going=form.cleaned_data["going"],
                )
                sent.keep(back)
        except services.GroupError as refused:
            form.add_error(None, refused.message)
            return self.page(visit_form=form, status=409)
        messages.success(request, "Added to the plan of open meetings.")
        return redirect(back)


class VisitGoingView(MeetingMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        visit = get_object_or_404(OpenMeetingVisit, meeting=meeting, pk=kwargs["visit"])
        going = request.POST.get("going") == "1"
        services.visit_set_going(visit=visit, membership=self.viewer.membership, going=going)
        messages.success(
            request, f"{'You are going to' if going else 'You are not going to'} {visit.name}."
        )
        return redirect(meeting.get_absolute_url() + f"#visit-{visit.pk}")


class VisitDeleteView(MeetingMixin, View):
    members_only = True

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        visit = get_object_or_404(OpenMeetingVisit, meeting=meeting, pk=kwargs["visit"])
        try:
            services.visit_delete(visit=visit, by=self.viewer.membership)
        except services.GroupError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"{visit.name} is removed from the plan.")
        return redirect(meeting.get_absolute_url() + "#plan")
