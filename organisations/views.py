"""The organisation lead's pages: the staff progress report and its CSV. Only the
organisation's leads may open them (everyone else: 404); the rows are read through the
organisation in the query."""

import csv

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from . import reports
from .bulk import MAX_BYTES, FileRefused, bulk_confirm, bulk_preview, report_rows
from .forms import BulkUploadForm, ReportFilterForm
from .models import BulkEnrolment, Organisation


class LeadMixin(LoginRequiredMixin):
    def get_organisation(self) -> Organisation:
        return get_object_or_404(
            Organisation.objects.led_by(self.request.user), slug=self.kwargs["slug"]
        )

    def get_filters(self):
        form = ReportFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        return form, {"search": data.get("q", ""), "module": data.get("module")}


class MyOrganisationsView(LoginRequiredMixin, View):
    """The organisations I lead: straight to the report when there is one."""

    def get(self, request):
        led = list(Organisation.objects.led_by(request.user))
        if not led:
            raise Http404("You lead no organisation.")
        if len(led) == 1:
            return redirect(led[0])
        return render(request, "organisations/list.html", {"organisations": led})


class ReportView(LeadMixin, View):
    template_name = "organisations/report.html"

    def get(self, request, slug):
        organisation = self.get_organisation()
        form, filters = self.get_filters()
        rows = reports.report_rows(organisation, **filters)
        page = Paginator(rows, reports.PAGE_SIZE).get_page(request.GET.get("page"))
        not_enrolled = (
            list(reports.members_not_enrolled(organisation, search=filters["search"]))
            if filters["module"] is None
            else []
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "organisation": organisation,
                "form": form,
                "page_obj": page,
                "rows": page.object_list,
                "not_enrolled": not_enrolled,
                "query_string": query.urlencode(),
            },
        )


class _Echo:
    def write(self, value):
        return value


class ReportCsvView(LeadMixin, View):
    """The report (same filters) as CSV, streamed; cells that a spreadsheet would run as
    formulas are escaped."""

    def get(self, request, slug):
        organisation = self.get_organisation()
        _form, filters = self.get_filters()
        rows = reports.report_rows(organisation, **filters)
        members = (
            reports.members_not_enrolled(organisation, search=filters["search"])
            if filters["module"] is None
            else []
        )
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"
            yield writer.writerow(reports.CSV_HEADER)
            for row in rows.iterator(chunk_size=500):
                yield writer.writerow(reports.csv_row(row))
            for membership in members:
                yield writer.writerow(reports.csv_member_row(membership))

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        name = f"progress-{organisation.slug}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- bulk enrolment ------------------------------------------------------------------


def manageable_cohorts(user):
    """The cohorts this person may enrol people into in bulk: every cohort for staff,
    the cohorts of modules they lead as a lead tutor."""
    from modules.models import Cohort

    if not user.is_authenticated:
        return Cohort.objects.none()
    if user.is_staff:
        return Cohort.objects.all()
    return Cohort.objects.filter(
        module__tutor_links__tutor__user=user, module__tutor_links__is_lead=True
    )


class ManagedCohortsView(LoginRequiredMixin, View):
    """The cohorts I may enrol people into, each with its upload page."""

    def get(self, request):
        cohorts = list(
            manageable_cohorts(request.user)
            .select_related("module")
            .annotate(enrolled=Count("enrolments"))
            .order_by("module__title", "starts_on", "name")
        )
        if not cohorts:
            raise Http404("No cohort to manage.")
        return render(request, "organisations/cohorts.html", {"cohorts": cohorts})


class BulkUploadView(LoginRequiredMixin, View):
    template_name = "organisations/bulk_upload.html"

    def get_cohort(self):
        return get_object_or_404(
            manageable_cohorts(self.request.user).select_related("module"), pk=self.kwargs["pk"]
        )

    def get(self, request, pk):
        cohort = self.get_cohort()
        return render(request, self.template_name, {"cohort": cohort, "form": BulkUploadForm()})

    def post(self, request, pk):
        cohort = self.get_cohort()
        form = BulkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                bulk = bulk_preview(
                    cohort=cohort, by=request.user, filename=upload.name,
                    data=upload.read(MAX_BYTES + 1),
                )  # fmt: skip
            except FileRefused as refused:
                form.add_error("file", str(refused))
            else:
                return redirect(bulk)
        return render(request, self.template_name, {"cohort": cohort, "form": form})


class BulkMixin(LoginRequiredMixin):
    def get_bulk(self) -> BulkEnrolment:
        return get_object_or_404(
            BulkEnrolment.objects.select_related("cohort__module").filter(
                cohort__in=manageable_cohorts(self.request.user)
            ),
            pk=self.kwargs["pk"],
        )


class BulkDetailView(BulkMixin, View):
    """The preview (row by row, with Confirm), then the progress, then the report."""

    def get(self, request, pk):
        bulk = self.get_bulk()
        if request.htmx and request.htmx.target == "bulk-status":
            return render(request, "organisations/_bulk_status.html", {"bulk": bulk})
        counts = bulk.counts()
        errors_first = request.GET.get("show") == "errors"
        rows = [r for r in bulk.rows if r["status"] == "error"] if errors_first else bulk.rows
        page = Paginator(rows, 100).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "organisations/bulk_detail.html",
            {"bulk": bulk, "counts": counts, "page_obj": page, "rows": page.object_list,
             "errors_only": errors_first, "query_string": query.urlencode()},
        )  # fmt: skip


class BulkConfirmView(BulkMixin, View):
    def post(self, request, pk):
        bulk = self.get_bulk()
        if request.POST.get("action") == "cancel":
            BulkEnrolment.objects.filter(pk=bulk.pk, state=BulkEnrolment.State.PREVIEW).update(
                state=BulkEnrolment.State.CANCELLED
            )
            messages.info(request, "Cancelled: nobody was enrolled.")
            return redirect("organisations:bulk_upload", pk=bulk.cohort_id)
        if bulk.total == 0:
            messages.error(request, "No row can be enrolled: correct the file and upload it again.")
            return redirect(bulk)
        bulk_confirm(bulk=bulk)
        messages.success(request, "Confirmed: the people are being enrolled and emailed.")
        return redirect(bulk)


class BulkReportView(BulkMixin, View):
    def get(self, request, pk):
        bulk = self.get_bulk()
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"
            for row in report_rows(bulk):
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="enrolment-report-{bulk.pk}.csv"'
        return response
