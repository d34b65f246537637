"""The debate page and its POST actions.

Access is decided once, in ``DebateMixin.get_motion``: signed-in participants of the
module (enrolled trainees, its tutors, staff) see the debate, everyone else gets 404.
Every action works as a plain form POST (redirect with a message) and, where the page
uses htmx, answers an htmx request with the fragment it replaces.
"""

import posixpath
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from modules.models import Cohort, Enrolment
from topics.models import Motion, Task, TaskCompletion
from topics.views import ModuleContentMixin

from . import selectors, services
from .forms import ArgumentForm, EditArgumentForm, HideForm, ReplyForm, StanceForm
from .models import EDIT_WINDOW_MINUTES, Argument, Stance, debate_url


def arguments_url(motion: Motion) -> str:
    """The address the argument actions hang from: ``<it><pk>/endorse/`` and so on."""
    task = motion.task
    return reverse(
        "debates:argue", kwargs={"module_slug": task.topic.module.slug, "number": task.topic.number}
    )


class DebateMixin(ModuleContentMixin):
    """Finds the topic's debate and decides who may take part (404 for everyone else)."""

    def get_motion(self) -> Motion:
        if hasattr(self, "_motion"):
            return self._motion
        module = self.get_module()
        motion = (
            Motion.objects.select_related("task__topic")
            .filter(
                task__topic__module=module,
                task__topic__number=self.kwargs["number"],
                task__kind=Task.Kind.DEBATE,
            )
            .order_by("task__position")
            .first()
        )
        user = self.request.user
        participant, tutoring = module.roles_of(user) if motion else (False, False)
        if motion is None or not participant:
            raise Http404("No debate here.")
        motion.task.topic.module = module
        self._motion = motion
        # selectors.can_moderate's rule, from the same query: the module's tutors and staff
        self.moderator = user.is_staff or tutoring
        self._choose_cohort(module)
        return motion

    def _choose_cohort(self, module) -> None:
        """Which cohort's debate this is. A trainee's is their enrolment's; a moderator
        picks among the cohorts they tutor (all of them for lead tutors and staff) with
        ``?cohort=`` (on a POST also from the form), the first by default. A moderator
        who tutors none of the module's cohorts sees the module-wide counts only."""
        user = self.request.user
        self.cohorts = []
        self.cohort = None
        if self.moderator:
            self.cohorts = list(
                Cohort.objects.visible_to_moderator(user, module).order_by("starts_on", "name")
            )
            wanted = self.request.GET.get("cohort") or self.request.POST.get("cohort", "")
            chosen = [c for c in self.cohorts if str(c.pk) == wanted]
            self.cohort = chosen[0] if chosen else (self.cohorts[0] if self.cohorts else None)
        else:
            enrolment = (
                Enrolment.objects.filter(user=user, module=module).select_related("cohort").first()
            )
            if enrolment is None:  # staff are moderators; others take part when enrolled
                raise Http404("No debate here.")
            self.cohort = enrolment.cohort

    def get_argument(self, queryset=None) -> Argument:
        """An argument of this debate that the user may see (others' hidden ones: 404)."""
        motion = self.get_motion()
        queryset = queryset if queryset is not None else Argument.objects.all()
        # Only in this person's cohort (a moderator's: any cohort they moderate).
        cohorts = [c.pk for c in self.cohorts] if self.moderator else [self.cohort.pk]
        argument = get_object_or_404(
            queryset.on(motion)
            .filter(cohort_id__in=cohorts)
            .visible_to(self.request.user, moderator=self.moderator)
            .select_related("cohort"),
            pk=self.kwargs["pk"],
        )
        argument.motion = motion
        if self.moderator:  # the moderator acts in the argument's cohort
            self.cohort = argument.cohort
        return argument

    def debate_url(self) -> str:
        """The debate's page; for a moderator, of the cohort in hand."""
        url = debate_url(self.get_motion())
        if self.moderator and self.cohort is not None:
            url += f"?cohort={self.cohort.pk}"
        return url

    def redirect_back(self, anchor: str = "") -> HttpResponseRedirect:
        """Back to the page of the debate the form was sent from (``next``), else its start."""
        base = debate_url(self.get_motion())
        target = self.request.POST.get("next", "")
        path, _, rest = target.partition("?")
        if path and posixpath.normpath(path) + ("/" if path.endswith("/") else "") != path:
            target = base  # "..", "//" and the like never pass for the debate's own address
        ok = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=False
        )
        if not (ok and target.startswith(base)):
            target = self.debate_url()
        target = target.split("#", 1)[0]
        return HttpResponseRedirect(target + (f"#{anchor}" if anchor else ""))


class DebateView(DebateMixin, View):
    template_name = "debates/debate_detail.html"

    def get(self, request, *args, **kwargs):
        if request.htmx and request.htmx.target == "argument-list":
            return self.render_more()
        return self.render_page()

    def render_more(self):
        """The next page of arguments for "Load more": its threads, appended to the list,
        and the control for the page after (swapped out of band)."""
        motion = self.get_motion()
        before = None
        if self.cohort is None:
            return HttpResponseClientRedirect(self.debate_url())
        if not self.moderator:
            before = Stance.objects.filter(
                user=self.request.user, motion=motion, cohort=self.cohort,
                phase=Stance.Phase.BEFORE,
            ).first()  # fmt: skip
            if before is None:  # the arguments open once the stance before is recorded
                return HttpResponseClientRedirect(self.debate_url())
        context = {
            "module": motion.task.topic.module,
            "topic": motion.task.topic,
            "motion": motion,
            "moderator": self.moderator,
            "debate_url": debate_url(motion),
            "next_url": self.request.get_full_path(),
            "debate_cohort": self.cohort,
        }
        context.update(
            self._arguments_context(
                motion, now=timezone.now(), argument_form=None, reply_form=None, hide_form=None
            )
        )
        return render(self.request, "debates/_more.html", context)

    def render_page(
        self,
        *,
        stance_form: StanceForm | None = None,
        argument_form: ArgumentForm | None = None,
        reply_form: ReplyForm | None = None,
        hide_form: HideForm | None = None,
    ):
        motion = self.get_motion()
        task, topic, module = motion.task, motion.task.topic, motion.task.topic.module
        user = self.request.user
        moderator = self.moderator
        now = timezone.now()

        cohort = self.cohort
        stances = (
            {}
            if moderator
            else {
                s.phase: s for s in Stance.objects.filter(user=user, motion=motion, cohort=cohort)
            }
        )
        before, after = stances.get(Stance.Phase.BEFORE), stances.get(Stance.Phase.AFTER)
        context = {
            "module": module,
            "topic": topic,
            "task": task,
            "motion": motion,
            "moderator": moderator,
            "before": before,
            "after": after,
            "debate_url": debate_url(motion),
            "next_url": self.request.get_full_path(),
            "edit_minutes": EDIT_WINDOW_MINUTES,
            "debate_cohort": cohort,
            "cohort_choices": self.cohorts if moderator else [],
        }
        if not moderator:
            # A deleted argument was still posted: the completion it earned stands.
            context["has_argued"] = Argument.objects.filter(motion=motion, author=user).exists()
            context["task_done"] = TaskCompletion.objects.filter(user=user, task=task).exists()
            if before is None:
                context["stance_form"] = stance_form or StanceForm(phase=Stance.Phase.BEFORE)
            else:
                initial = (
                    {"position": after.position, "confidence": after.confidence,
                     "reason": after.reason}
                    if after else {}
                )  # fmt: skip
                context["stance_form"] = stance_form or StanceForm(
                    phase=Stance.Phase.AFTER, initial=initial
                )

        if cohort is not None and (moderator or before is not None):
            context.update(
                self._arguments_context(
                    motion, now=now, argument_form=argument_form,
                    reply_form=reply_form, hide_form=hide_form,
                )
            )  # fmt: skip
        if cohort is not None and (moderator or after is not None):
            context["cohort"] = selectors.cohort_shift(motion, cohort)
            context["personal_shift"] = selectors.personal_shift(before, after)
        if moderator:  # every cohort together, counts only
            context["module_shift"] = selectors.module_shift(motion)
        return render(self.request, self.template_name, context)

    def _arguments_context(self, motion, *, now, argument_form, reply_form, hide_form) -> dict:
        request, user, moderator = self.request, self.request.user, self.moderator
        module = motion.task.topic.module
        sort = request.GET.get("sort", "newest")
        sort = sort if sort in selectors.SORTS else "newest"
        side = request.GET.get("side", "")
        side = side if side in Argument.Side.values else ""
        group_filter = (
            selectors.study_group_filter_available() and request.GET.get("group") == "mine"
        )

        cohort = self.cohort
        threads = selectors.argument_threads(
            motion=motion, cohort=cohort, user=user, moderator=moderator, sort=sort, side=side
        )
        if group_filter:
            threads = selectors.filter_for_group_members(threads, user=user, module=module)
        # One thread only (the link of a reply notice: the argument may be pages away).
        thread = request.GET.get("thread", "")
        thread = int(thread) if thread.isdigit() and 0 < int(thread) < 2**31 else None
        if thread is not None:
            threads = threads.filter(pk=thread)
        # Pages of THREADS_PER_PAGE, fetched with one more to know whether there is a next:
        # no COUNT over the whole debate (the side counts give the total where it is known).
        counts = selectors.side_counts(motion=motion, cohort=cohort, user=user, moderator=moderator)
        total = None if group_filter or thread is not None else counts[side or "all"]
        per_page = selectors.THREADS_PER_PAGE
        page = request.GET.get("page", "")
        page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
        if total is not None:  # past the end: the last page
            page = min(page, max(1, -(-total // per_page)))
        start = (page - 1) * per_page
        page_threads = list(threads[start : start + per_page + 1])
        has_next = len(page_threads) > per_page
        page_threads = page_threads[:per_page]

        def decorate(argument):
            argument.can_edit = services.can_edit(argument, user, now=now)
            if moderator:
                argument.hide_form = (
                    hide_form
                    if hide_form is not None and hide_form.argument_pk == argument.pk
                    else HideForm(argument_pk=argument.pk)
                )

        for thread in page_threads:
            decorate(thread)
            for reply in thread.visible_replies:
                decorate(reply)
            thread.can_reply = not thread.is_deleted and (
                not thread.is_hidden or thread.author_id == user.pk
            )
            thread.reply_form = (
                reply_form
                if reply_form is not None and reply_form.parent_pk == thread.pk
                else ReplyForm(parent_pk=thread.pk)
            )
        return {
            "threads": page_threads,
            "thread": thread,
            "page": page,
            "has_next": has_next,
            "first_shown": start + 1,
            "last_shown": start + len(page_threads),
            "total": total,
            "sort": sort,
            "sorts": [(key, label) for key, (label, _) in selectors.SORTS.items()],
            "side": side,
            "sides": Argument.Side.choices,
            "side_counts": counts,
            "group_filter_available": selectors.study_group_filter_available(),
            "group_filter": group_filter,
            "argument_form": argument_form or ArgumentForm(),
            # Each argument's actions are under this address (one reverse, not four each).
            "arguments_url": arguments_url(motion),
        }


class StanceView(DebateView):
    """Record the stance before (once) or after (may be changed)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        motion = self.get_motion()
        if self.moderator:
            messages.info(request, "Tutors moderate the debate and do not record a stance.")
            return self.redirect_back()
        has_before = Stance.objects.filter(
            user=request.user, motion=motion, cohort=self.cohort, phase=Stance.Phase.BEFORE
        ).exists()
        phase = Stance.Phase.AFTER if has_before else Stance.Phase.BEFORE
        form = StanceForm(request.POST, phase=phase)
        if not form.is_valid():
            return self.render_page(stance_form=form)
        try:
            services.stance_record(
                user=request.user, motion=motion, phase=phase, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(stance_form=form)
        if phase == Stance.Phase.BEFORE:
            messages.success(
                request, "Your stance before the debate is recorded. The arguments are open now."
            )
            return self.redirect_back("arguments-title")
        messages.success(request, "Your stance after the debate is recorded.")
        return self.redirect_back("results-title")


class ArgumentCreateView(DebateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        motion = self.get_motion()
        form = ArgumentForm(request.POST)
        if not form.is_valid():
            return self.render_page(argument_form=form)
        try:
            if self.cohort is None:
                raise ValidationError("You tutor none of this module's cohorts.")
            argument = services.argument_create(
                author=request.user,
                motion=motion,
                cohort=self.cohort,
                side=form.cleaned_data["side"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            # a rule outside the form (no stance yet, say): said at the top, the text kept
            messages.error(request, " ".join(error.messages))
            return self.render_page(argument_form=form)
        messages.success(request, "Your argument is posted.")
        return HttpResponseRedirect(self.debate_url() + f"#argument-{argument.pk}")


class ReplyCreateView(DebateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        motion = self.get_motion()
        parent = self.get_argument(Argument.objects.top_level())
        form = ReplyForm(request.POST, parent_pk=parent.pk)
        if not form.is_valid():
            return self.render_page(reply_form=form)
        try:
            reply = services.argument_create(
                author=request.user, motion=motion, parent=parent, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_page(reply_form=form)
        messages.success(request, "Your reply is posted.")
        return self.redirect_back(f"argument-{reply.pk}")


class EndorseView(DebateMixin, View):
    """Endorse (or withdraw an endorsement of) someone else's argument."""

    def post(self, request, *args, **kwargs):
        argument = self.get_argument()
        error = ""
        try:
            if request.POST.get("action") == "withdraw":
                services.endorsement_delete(argument=argument, user=request.user)
            else:
                services.endorsement_create(argument=argument, user=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        if request.htmx:
            fresh = self.get_argument(
                Argument.objects.with_endorsements_for(request.user).select_related("author")
            )
            motion = self.get_motion()
            return render(
                request,
                "debates/_endorse.html",
                {
                    "argument": fresh,
                    "module": motion.task.topic.module,
                    "topic": motion.task.topic,
                    "next_url": self.redirect_back().url,
                    "endorse_error": error,
                    "arguments_url": arguments_url(motion),
                },
            )
        if error:
            messages.error(request, error)
        elif request.POST.get("action") == "withdraw":
            messages.success(request, "Your endorsement is withdrawn.")
        else:
            messages.success(request, "You endorsed the argument.")
        return self.redirect_back(f"argument-{argument.pk}")


class ArgumentManageView(DebateMixin, View):
    """The author's page for editing (first 15 minutes) or deleting an argument."""

    template_name = "debates/argument_manage.html"

    def get_own_argument(self) -> Argument:
        argument = self.get_argument(Argument.objects.select_related("author"))
        if argument.author_id != self.request.user.pk or argument.is_deleted:
            raise Http404("Not yours.")
        return argument

    def render_page(self, argument, form=None):
        motion = self.get_motion()
        editable = services.can_edit(argument, self.request.user)
        return render(
            self.request,
            self.template_name,
            {
                "argument": argument,
                "motion": motion,
                "task": motion.task,
                "topic": motion.task.topic,
                "module": motion.task.topic.module,
                "debate_url": self.debate_url(),
                "editable": editable,
                "form": form or (EditArgumentForm(initial={"text": argument.text})
                                 if editable else None),
                "has_replies": argument.replies.exists(),
                "edit_minutes": EDIT_WINDOW_MINUTES,
                "edit_until": argument.created_at + timedelta(minutes=EDIT_WINDOW_MINUTES),
            },
        )  # fmt: skip

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_own_argument())


class ArgumentEditView(ArgumentManageView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        argument = self.get_own_argument()
        form = EditArgumentForm(request.POST)
        if not form.is_valid():
            return self.render_page(argument, form)
        try:
            services.argument_edit(
                argument=argument, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return self.redirect_back(f"argument-{argument.pk}")
        messages.success(request, "Your changes are saved.")
        return self.redirect_back(f"argument-{argument.pk}")


class ArgumentDeleteView(ArgumentManageView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        argument = self.get_own_argument()
        services.argument_delete(argument=argument, by=request.user)
        messages.success(request, "Your argument is deleted.")
        return self.redirect_back("arguments-title")


class ArgumentHideView(DebateView):
    """Tutors (and staff) hide an argument with a reason; anyone else gets 404."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.get_motion()
        if not self.moderator:
            raise Http404
        argument = self.get_argument()
        form = HideForm(request.POST, argument_pk=argument.pk)
        if not form.is_valid():
            return self.render_page(hide_form=form)
        services.argument_hide(
            argument=argument, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "The argument is hidden. Its author sees your reason.")
        return self.redirect_back(f"argument-{argument.pk}")


class ArgumentUnhideView(DebateMixin, View):
    def post(self, request, *args, **kwargs):
        self.get_motion()
        if not self.moderator:
            raise Http404
        argument = self.get_argument()
        services.argument_unhide(argument=argument, by=request.user)
        messages.success(request, "The argument is visible again.")
        return self.redirect_back(f"argument-{argument.pk}")
