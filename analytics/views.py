"""The course dashboard of a module and the CSV of each of its tables.

Access: the module's tutors and admins (staff); everyone else signed in gets 404, a
visitor is sent to sign in. Admins and lead tutors see every cohort; other tutors only
the cohorts they are named on. The page reads only the summaries the worker keeps
(``selectors.module_counts``) and the content's labels: a fixed handful of queries,
whatever the number of trainees."""

import csv

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View

from modules.models import Tutor
from reflections.review import csv_safe
from topics.models import Motion, Task

from . import figures
from .forms import RangeForm
from .selectors import dashboard_modules, module_counts, visible_cohorts


class DashboardMixin(LoginRequiredMixin):
    def get_module(self):
        return get_object_or_404(dashboard_modules(self.request.user), slug=self.kwargs["slug"])

    def get_figures(self, module):
        cohorts, whole = visible_cohorts(self.request.user, module)
        form = RangeForm(
            self.request.GET or None,
            cohorts=cohorts,
            everyone="All cohorts" if whole else "All my cohorts",
        )
        data = form.cleaned_data if form.is_valid() else {}
        since, until = data.get("since"), data.get("until")
        if data.get("cohort"):
            cohort_ids = [data["cohort"]]
        else:
            cohort_ids = None if whole else [c.pk for c in cohorts]
        counts = module_counts(module, since=since, until=until, cohort_ids=cohort_ids)
        tutor_ids = {
            int(key.split(":")[1])
            for key in counts.total.get("turnaround", {})
            if key.startswith("tutor:")
        }
        content = figures.Content(
            tasks=list(
                Task.objects.filter(topic__module=module)
                .select_related("topic")
                .order_by("topic__number", "position")
            ),
            motions=list(
                Motion.objects.filter(task__topic__module=module)
                .select_related("task__topic")
                .order_by("task__topic__number", "task__position")
            ),
            tutor_names=dict(
                Tutor.objects.filter(user_id__in=tutor_ids).values_list("user_id", "name")
            )
            if tutor_ids
            else {},
            turnaround_days=module.turnaround_days,
        )
        shown = figures.all_figures(
            counts, content, since=since, until=until, today=timezone.localdate()
        )
        return form, counts, shown


class DashboardView(DashboardMixin, View):
    template_name = "analytics/dashboard.html"

    def get(self, request, *args, **kwargs):
        module = self.get_module()
        form, counts, shown = self.get_figures(module)
        return render(
            request,
            self.template_name,
            {
                "module": module,
                "form": form,
                "figures": shown,
                "state": counts.state,
                "query_string": request.GET.urlencode(),
            },
        )


class TableCsvView(DashboardMixin, View):
    """One table of the dashboard, with the same weeks and the same suppression."""

    def get(self, request, *args, **kwargs):
        module = self.get_module()
        _form, _counts, shown = self.get_figures(module)
        table = next((t for f in shown for t in f.tables if t.slug == self.kwargs["table"]), None)
        if table is None:
            raise Http404("No such table.")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"{module.slug}-{table.slug}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(table.columns)
        # Cells are counts and the course's own titles; a title an admin began with "="
        # is still kept from running as a spreadsheet formula.
        writer.writerows([csv_safe(cell) for cell in row] for row in table.rows)
        return response
