"""The tutor's pages: the review queue, a reflection under review (claim, feedback,
decision), and the cohort progress table with its CSV.

Access has one rule, applied by the querysets: a user tutors a module when a Tutor
profile linked to their account is among the module's tutors (staff are no exception).
Anything else, including every /review/ page for someone who tutors nothing, is 404.
"""

import csv

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from portal.markdown import render_markdown
from topics.models import Task

from . import review, services
from .forms import CohortFilterForm, FeedbackForm, QueueFilterForm
from .models import Reflection
from .review import QueueState


class TutorRequiredMixin(LoginRequiredMixin):
    """Signed in and tutoring at least one module; otherwise 404 (or sign in)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            counts = review.review_counts(request)
            if counts is None or counts.modules == 0:
                raise Http404("Not a tutor.")
        return super().dispatch(request, *args, **kwargs)


class ReviewQueueView(TutorRequiredMixin, View):
    """Submitted reflections in the tutor's modules, oldest first, filtered and paged."""

    template_name = "reflections/review/queue.html"

    def get(self, request, *args, **kwargs):
        modules = list(review.tutored_modules(request.user))
        tasks = list(
            Task.objects.filter(topic__module__in=modules)
            .select_related("topic__module")
            .order_by("topic__module__position", "topic__number", "position")
        )
        form = QueueFilterForm(request.GET or None, modules=modules, tasks=tasks)
        filters = form.cleaned_data if form.is_valid() else {}
        state = filters.get("state") or QueueState.WAITING
        rows = review.queue(
            request.user,
            module=filters.get("module"),
            topic=filters.get("topic"),
            task=filters.get("task"),
            state=state,
            trainee=filters.get("trainee", ""),
            within=modules,
        )
        page = Paginator(rows, review.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
        review.decorate_queue_rows(page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_obj": page,
                "rows": page.object_list,
                "state": state,
                "state_label": dict(QueueState.CHOICES)[state],
                "waiting_states": (QueueState.WAITING, QueueState.NEW, QueueState.RESUBMITTED),
                "modules": modules,
                "query_string": query.urlencode(),
                "filtered": bool(
                    request.GET.get("module")
                    or request.GET.get("topic")
                    or request.GET.get("task")
                    or request.GET.get("trainee")
                    or request.GET.get("state")
                ),  # fmt: skip
            },
        )


class ReviewReflectionMixin(TutorRequiredMixin):
    def get_reflection(self) -> Reflection:
        if not hasattr(self, "_reflection"):
            self._reflection = get_object_or_404(
                Reflection.objects.reviewable_by(self.request.user)
                .with_context()
                .select_related("author", "claimed_by"),
                pk=self.kwargs["pk"],
            )
        return self._reflection


class ReviewDetailView(ReviewReflectionMixin, View):
    """A reflection under review: the text (the version submitted), every round so far,
    the diff between the last two submitted versions, the claim, and the feedback form."""

    template_name = "reflections/review/detail.html"

    def render(self, form=None, *, refused=None, preview=None, status=200):
        reflection = self.get_reflection()
        rounds = review.rounds_of(reflection)
        can_decide = reflection.status == Reflection.Status.SUBMITTED
        if form is None and can_decide:
            form = FeedbackForm(
                initial={"version": reflection.version, "decision": ""}, module=reflection.module
            )
        if form is not None:
            form.enable_live_preview(reverse("reflections:preview"))
        shown = reflection
        if (
            reflection.status == Reflection.Status.REVISION_REQUESTED
            and reflection.submitted_versions
        ):
            shown = reflection.submitted_versions[-1]  # the trainee's edits in progress are theirs
        reflection.words = review.word_count(shown.body)
        return render(
            self.request,
            self.template_name,
            {
                "reflection": reflection,
                "shown": shown,
                "rounds": rounds,
                "diff": review.last_diff(reflection),
                "form": form,
                "can_decide": can_decide,
                "refused": refused,
                "preview": render_markdown(
                    preview if preview is not None else (form["text"].value() if form else "")
                ),
                "claimed_by_me": reflection.claim_is_active
                and reflection.claimed_by_id == self.request.user.pk,
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        reflection = get_object_or_404(
            Reflection.objects.filter(module__in=review.tutored_modules(request.user))
            .with_context()
            .select_related("author", "claimed_by"),
            pk=kwargs["pk"],
        )
        if not Reflection.objects.reviewable_by(request.user).filter(pk=reflection.pk).exists():
            # Withdrawn to draft while the tutor wrote: its text is private again, but the
            # tutor's feedback is given back to them, not lost.
            return render(
                request,
                "reflections/review/withdrawn.html",
                {"text": request.POST.get("text", "")},
                status=409,
            )
        self._reflection = reflection
        form = FeedbackForm(request.POST, module=reflection.module)
        action = request.POST.get("action", "send")
        if action == "preview":
            form.is_valid()
            return self.render(form, preview=request.POST.get("text", ""))
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            services.feedback_give(
                reflection=reflection,
                tutor=request.user,
                text=data["text"],
                decision=data["decision"],
                expected_version=data["version"],
                outcomes=data["outcomes"],
            )
        except services.ReviewRefused as refused:
            # Nothing is lost: the page is drawn again with the reflection as it now is,
            # the tutor's text still in the form.
            self._reflection = get_object_or_404(
                Reflection.objects.reviewable_by(request.user)
                .with_context()
                .select_related("author", "claimed_by"),
                pk=reflection.pk,
            )
            values = request.POST.copy()
            values["version"] = self._reflection.version
            kept = FeedbackForm(values, module=reflection.module)
            kept.is_valid()
            return self.render(kept, refused=refused, preview=data["text"], status=409)
        messages.success(
            request,
            f"Your feedback is sent to {reflection.author.get_full_name()}: "
            f"{reflection.get_status_display().lower()}.",
        )
        return redirect("review:queue")


class ClaimView(ReviewReflectionMixin, View):
    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        try:
            services.review_claim(reflection=reflection, by=request.user)
        except services.ReviewRefused as refused:
            messages.warning(request, refused.message)
        else:
            messages.success(
                request,
                "You are reviewing this reflection; colleagues see it is taken. The claim "
                "lapses in 24 hours.",
            )
        return redirect("review:detail", pk=reflection.pk)


class ReleaseView(ReviewReflectionMixin, View):
    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        services.review_release(reflection=reflection, by=request.user)
        messages.info(request, "Your claim is released; a colleague may take it.")
        return redirect("review:detail", pk=reflection.pk)


class CohortMixin(TutorRequiredMixin):
    def get_module(self):
        return get_object_or_404(
            review.tutored_modules(self.request.user), slug=self.kwargs["slug"]
        )

    def get_filters(self, module):
        """The filters, and the cohorts shown: those this tutor sees (every cohort for a
        lead tutor), narrowed to one by the cohort filter."""
        cohorts = review.cohorts_seen_by(self.request.user, module)
        form = CohortFilterForm(self.request.GET or None, cohorts=cohorts)
        data = form.cleaned_data if form.is_valid() else {}
        chosen = data.get("cohort")
        return form, {
            "search": data.get("q", ""),
            "show": data.get("show", ""),
            "sort": data.get("sort") or "name",
            "cohorts": [c for c in cohorts if chosen is None or c.pk == chosen.pk],
        }


class CohortView(CohortMixin, View):
    """One row per enrolled trainee: progress per topic, targets, reflections, activity."""

    template_name = "reflections/review/cohort.html"

    def get(self, request, *args, **kwargs):
        module = self.get_module()
        topics = review.cohort_topics(module)
        form, filters = self.get_filters(module)
        today = timezone.localdate()
        rows = review.cohort_rows(module, topics, today=today, **filters)
        page = Paginator(rows, review.COHORT_PAGE_SIZE).get_page(request.GET.get("page"))
        review.decorate_cohort_rows(page.object_list, topics, today=today)
        query = request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        return render(
            request,
            self.template_name,
            {
                "module": module,
                "topics": topics,
                "form": form,
                "page_obj": page,
                "rows": page.object_list,
                "sort": filters["sort"],
                "query_string": query.urlencode(),
                "sort_query": sort_query.urlencode(),
                "task_total": sum(t.task_total for t in topics),
                "many_cohorts": len(form.cohorts) > 1,
                "cohorts_seen": list(form.cohorts.values()),
            },
        )


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer."""

    def write(self, value):
        return value


class CohortCsvView(CohortMixin, View):
    """The cohort table (same filters and order, every page) as CSV, streamed row by row
    from one query, so memory stays flat however large the cohort."""

    def get(self, request, *args, **kwargs):
        module = self.get_module()
        topics = review.cohort_topics(module)
        _form, filters = self.get_filters(module)
        today = timezone.localdate()
        rows = review.cohort_rows(module, topics, today=today, **filters)
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # so spreadsheet programs read UTF-8 names correctly
            yield writer.writerow(review.cohort_csv_header(topics))
            for row in rows.iterator(chunk_size=500):
                yield writer.writerow(review.cohort_csv_row(row, topics, today=today))

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        filename = f"cohort-{module.slug}-{today.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
