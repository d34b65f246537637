"""The trainee's reflections and portfolio. Every lookup is scoped to the author, so
anybody else (tutors included, until a reflection is submitted to them in a later
issue) gets 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView

from modules.models import Module
from portal.ids import parse_id
from portal.markdown import render_markdown
from portal.once import once
from topics.models import Task

from . import exports, privacy, services
from .certificate_pdf import certificate_pdf
from .certificates import certificate_enrolments, certificate_record, evidence_map
from .forms import NEW_FEEDBACK, NewReflectionForm, PortfolioFilterForm, ReflectionForm
from .hooks import attach_signoffs
from .models import BODY_MAX_LENGTH, Certificate, ExportJob, Reflection, ReflectionTemplate
from .review import rounds_of
from .selectors import group_portfolio, portfolio_reflections


def _save_from_form(reflection, user, data: dict, *, autosave: bool = False) -> None:
    """Save the editor's cleaned data as the next version (refused if it is stale)."""
    services.reflection_save(
        reflection=reflection,
        by=user,
        expected_version=data["version"],
        title=data["title"],
        body=data["body"],
        cpd_minutes=data["cpd_minutes"],
        autosave=autosave,
    )


class AuthorReflectionMixin(LoginRequiredMixin):
    """The reflection named in the URL, if the signed-in user wrote it; else 404."""

    def get_reflection(self) -> Reflection:
        if not hasattr(self, "_reflection"):
            self._reflection = get_object_or_404(
                Reflection.objects.visible_to(self.request.user).with_context(),
                pk=self.kwargs["pk"],
            )
        return self._reflection


class PortfolioView(LoginRequiredMixin, TemplateView):
    """All of my reflections by module and topic, with the CPD total and the exports."""

    template_name = "reflections/portfolio.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        filter_form = PortfolioFilterForm(self.request.GET or None)
        status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
        new_feedback = status == NEW_FEEDBACK
        reflections = portfolio_reflections(
            user, status=None if new_feedback else (status or None)
        ).with_new_feedback()
        if new_feedback:
            reflections = reflections.filter(has_new_feedback=True)
        reflections = list(reflections)
        attach_signoffs(reflections)
        groups = group_portfolio(reflections)
        evidence = evidence_map(user, [g.module for g in groups if g.module])
        for group in groups:
            group.outcomes = evidence.get(group.module.pk, []) if group.module else []
        certificates = []
        if status:
            totals = Reflection.objects.visible_to(user).aggregate(
                count=Count("pk"), minutes=Sum("cpd_minutes")
            )
        else:
            # The whole portfolio is on the page: its totals need no query, and the query
            # saved reads the certificates' states instead.
            totals = {"count": len(reflections), "minutes": sum(r.cpd_minutes for r in reflections)}
            certificates = certificate_enrolments(user)
        context.update(
            filter_form=filter_form,
            status=status,
            status_label=dict(filter_form.fields["status"].choices).get(status, ""),
            groups=groups,
            shown_count=len(reflections),
            shown_minutes=sum(r.cpd_minutes for r in reflections),
            total_count=totals["count"],
            certificates=certificates,
            background_pdf=exports.needs_background("pdf", totals["count"]),
            total_minutes=totals["minutes"] or 0,
        )
        return context


class ReflectionCreateView(LoginRequiredMixin, View):
    """Step one of a reflection: its title and structure. ``?task=`` ties it to a task."""

    template_name = "reflections/reflection_new.html"

    def get_task(self) -> Task | None:
        task_id = self.request.GET.get("task") or self.request.POST.get("task")
        if not task_id:
            return None
        task_id = parse_id(task_id)
        if task_id is None:
            raise Http404("No such task.")
        return get_object_or_404(
            Task.objects.select_related("topic__module").filter(
                topic__module__in=Module.objects.taught_to(self.request.user)
            ),
            pk=task_id,
        )

    def get_form(self, task, data=None) -> NewReflectionForm:
        initial = {"title": f"Topic {task.topic.number_word}: {task.title}" if task else ""}
        slug = self.request.GET.get("structure")
        structures = ReflectionTemplate.objects.filter(is_active=True)
        initial["structure"] = structures.filter(slug=slug).first() if slug else None
        if initial["structure"] is None:
            initial["structure"] = structures.first()
        return NewReflectionForm(
            data, task=task, modules=Module.objects.taught_to(self.request.user), initial=initial
        )

    def render(self, task, form):
        return render(self.request, self.template_name, {"task": task, "form": form})

    def get(self, request, *args, **kwargs):
        task = self.get_task()
        return self.render(task, self.get_form(task))

    def post(self, request, *args, **kwargs):
        task = self.get_task()
        form = self.get_form(task, request.POST)
        if not form.is_valid():
            return self.render(task, form)
        with once(request, "reflections:new", fallback=reverse("reflections:portfolio")) as sent:
            if sent.result:  # the same form sent twice: one draft
                return redirect(sent.result)
            reflection = services.reflection_create(
                author=request.user,
                title=form.cleaned_data["title"],
                template=form.cleaned_data.get("structure"),
                task=task,
                module=form.cleaned_data.get("module"),
            )
            sent.keep(reverse("reflections:edit", kwargs={"pk": reflection.pk}))
        messages.success(request, "Your draft is started. It is saved as you write.")
        return redirect("reflections:edit", pk=reflection.pk)


class ReflectionDetailView(AuthorReflectionMixin, DetailView):
    template_name = "reflections/reflection_detail.html"
    context_object_name = "reflection"

    def get_object(self, queryset=None):
        reflection = self.get_reflection()
        attach_signoffs([reflection])
        return reflection

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rounds = rounds_of(self.object)
        context["rounds"] = rounds
        context["new_feedback"] = any(r.feedback and not r.feedback.seen_at for r in rounds)
        return context


class FeedbackSeenView(AuthorReflectionMixin, View):
    """The author marks the feedback on their reflection as read."""

    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        services.feedback_mark_seen(reflection=reflection, by=request.user)
        messages.success(request, "Feedback marked as read.")
        return redirect(reflection.get_absolute_url() + "#feedback")


class ReflectionEditView(AuthorReflectionMixin, View):
    """The editor. Save, preview and "save and submit" are plain posts; autosave and the
    live preview are the same form sent by htmx to the two endpoints below."""

    template_name = "reflections/reflection_edit.html"

    def render(self, form, *, conflict=None, preview=None, status=200):
        reflection = self.get_reflection()
        if reflection.is_editable:
            form.enable_live_preview(reverse("reflections:preview"))
        return render(
            self.request,
            self.template_name,
            {
                "reflection": reflection,
                "form": form,
                "conflict": conflict,
                "preview": render_markdown(
                    preview if preview is not None else form["body"].value()
                ),
                "body_max_length": BODY_MAX_LENGTH,
                "last_feedback": reflection.feedback.select_related("tutor")
                .order_by("-created_at", "-pk")
                .first()
                if reflection.status == Reflection.Status.REVISION_REQUESTED
                else None,
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        if not reflection.is_editable:
            messages.info(
                request,
                f"This reflection is {reflection.get_status_display().lower()}; "
                "it can be read but not changed.",
            )
            return redirect(reflection)
        return self.render(ReflectionForm.for_reflection(reflection))

    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        form = ReflectionForm(request.POST)
        action = request.POST.get("action", "save")
        if not form.is_valid():
            return self.render(form)
        if action == "preview":
            return self.render(form, preview=form.cleaned_data["body"])
        data = form.cleaned_data
        try:
            _save_from_form(reflection, request.user, data)
            if action == "submit":
                if privacy.find_identifiers_in_reflection(title=data["title"], body=data["body"]):
                    # Saved, not submitted: the writer checks what was found first.
                    messages.info(request, f"Your draft is saved (version {reflection.version}).")
                    return redirect("reflections:submit_check", pk=reflection.pk)
                services.reflection_submit(
                    reflection=reflection, by=request.user, expected_version=reflection.version
                )
        except services.ReflectionSaveError as refused:
            # Nothing is lost: the writer's text goes back into the form. After a
            # conflict the form is based on the current version, so saving again
            # keeps their text deliberately.
            current = refused.current
            values = request.POST.copy()
            values["version"] = current.version
            self._reflection = current
            return self.render(
                ReflectionForm(values), conflict=refused, preview=data["body"], status=409
            )
        if action == "submit":
            messages.success(
                request, "Your reflection is saved and submitted for review by your tutors."
            )
            return redirect(reflection)
        messages.success(request, f"Draft saved (version {reflection.version}).")
        return redirect("reflections:edit", pk=reflection.pk)


class HtmxSignInMixin:
    """The autosave answers a signed-out writer with 401, not the site-wide HX-Redirect to
    sign in (portal.middleware): leaving the page would drop the unsaved text, while the
    editor's script keeps it on the device and tells the writer to sign in in a new tab."""

    def handle_no_permission(self):
        if self.request.htmx and not self.request.user.is_authenticated:
            return HttpResponse("Signed out", status=401, content_type="text/plain")
        return super().handle_no_permission()


class AutosaveView(HtmxSignInMixin, AuthorReflectionMixin, View):
    """htmx posts the editor here a moment after each change; the reply is a status line
    and the new version number, swapped into the form so the next save is not stale."""

    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        form = ReflectionForm(request.POST)
        context = {"reflection": reflection, "saved": False}
        if not form.is_valid():
            context["errors"] = [e for errors in form.errors.values() for e in errors]
            context["version"] = request.POST.get("version", reflection.version)
        else:
            data = form.cleaned_data
            try:
                _save_from_form(reflection, request.user, data, autosave=True)
                context.update(saved=True, version=reflection.version, time=timezone.now())
            except services.ReflectionSaveError as refused:
                context.update(refused=refused.message, version=data["version"])
        return render(request, "reflections/_autosave_status.html", context)


class PreviewView(HtmxSignInMixin, LoginRequiredMixin, View):
    """The live preview: Markdown rendered through the portal's one sanitiser."""

    def post(self, request, *args, **kwargs):
        # The reflection editor sends ``body``; the tutor's feedback form sends ``text``.
        body = (request.POST.get("body") or request.POST.get("text") or "")[:BODY_MAX_LENGTH]
        return render(request, "reflections/_preview.html", {"preview": render_markdown(body)})


class ReflectionHistoryView(AuthorReflectionMixin, DetailView):
    template_name = "reflections/reflection_history.html"
    context_object_name = "reflection"

    def get_object(self, queryset=None):
        return self.get_reflection()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["versions"] = list(self.object.versions.order_by("-number"))
        return context


def _posted_version(request) -> int | None:
    return parse_id(request.POST.get("version", ""))


class ReflectionRestoreView(AuthorReflectionMixin, View):
    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        number = kwargs["number"]
        if not reflection.versions.filter(number=number).exists():
            raise Http404("No such version.")
        expected = _posted_version(request)
        if expected is None:
            messages.error(request, "The restore form was incomplete; please try again.")
            return redirect("reflections:history", pk=reflection.pk)
        try:
            services.reflection_restore(
                reflection=reflection, by=request.user, number=number, expected_version=expected
            )
        except services.ReflectionSaveError as refused:
            messages.error(
                request,
                "Not restored: "
                + (
                    "the reflection was saved elsewhere since this page was opened. "
                    "Check the history below and try again."
                    if isinstance(refused, services.StaleVersionError)
                    else refused.message
                ),
            )
            return redirect("reflections:history", pk=reflection.pk)
        messages.success(
            request,
            f"Version {number} is restored as version {reflection.version}; "
            "the versions in between are kept in the history.",
        )
        return redirect("reflections:edit", pk=reflection.pk)


class ReflectionSubmitCheckView(AuthorReflectionMixin, DetailView):
    """Before a reflection goes to tutors: what in it may identify a person (see
    reflections/privacy.py), with "Submit anyway" and "Go back and edit". Reading it
    changes nothing; the submission is the POST its button makes."""

    template_name = "reflections/reflection_check.html"
    context_object_name = "reflection"

    def get_object(self, queryset=None):
        return self.get_reflection()

    def get(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        if not reflection.is_editable:
            messages.info(request, f"This reflection is {reflection.get_status_display().lower()}.")
            return redirect(reflection)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["findings"] = privacy.find_identifiers_in_reflection(
            title=self.object.title, body=self.object.body
        )
        return context


class ReflectionSubmitView(AuthorReflectionMixin, View):
    """Submit for review. Unless the writer has confirmed it on the check page, a
    reflection in which something may identify a person goes to that page first."""

    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        expected = _posted_version(request)
        if (
            request.POST.get("confirmed") != "1"
            and reflection.is_editable
            and expected in (None, reflection.version)  # a stale form is refused below
            and privacy.find_identifiers_in_reflection(title=reflection.title, body=reflection.body)
        ):
            return redirect("reflections:submit_check", pk=reflection.pk)
        try:
            services.reflection_submit(
                reflection=reflection, by=request.user, expected_version=expected
            )
        except services.StaleVersionError:
            messages.error(
                request,
                "Not submitted: the reflection was changed elsewhere since this page was "
                "opened. Read it again below, then submit.",
            )
        except services.NotEditableError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "Your reflection is submitted for review by your tutors.")
        return redirect(reflection)


class ReflectionWithdrawView(AuthorReflectionMixin, View):
    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        try:
            services.reflection_withdraw(reflection=reflection, by=request.user)
        except services.NotEditableError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "Your reflection is back in draft; you can edit it again.")
        return redirect(reflection)


class ReflectionDeleteView(AuthorReflectionMixin, View):
    template_name = "reflections/reflection_delete.html"

    def get(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        if reflection.status != Reflection.Status.DRAFT:
            raise Http404("Only drafts can be deleted.")
        return render(request, self.template_name, {"reflection": reflection})

    def post(self, request, *args, **kwargs):
        reflection = self.get_reflection()
        try:
            services.reflection_delete(reflection=reflection, by=request.user)
        except services.NotEditableError as refused:
            messages.error(request, refused.message)
            return redirect(reflection)
        messages.success(request, f"“{reflection.title}” and its history are deleted.")
        return redirect("reflections:portfolio")


class PortfolioExportView(LoginRequiredMixin, View):
    """The whole portfolio, or one module's part, as PDF, standalone HTML or Markdown (zip).

    A PDF of more than ``exports.BACKGROUND_OVER`` reflections is made by a worker: GET
    offers to start it (a GET changes nothing), POST starts it and goes to its page."""

    def _module(self, request):
        if slug := request.GET.get("module") or request.POST.get("module"):
            return get_object_or_404(Module.objects.visible_to(request.user), slug=slug)
        return None

    def get(self, request, fmt: str, *args, **kwargs):
        if fmt not in exports.EXPORTERS:
            raise Http404("No such format.")
        module = self._module(request)
        portfolio = exports.build_portfolio(request.user, module=module)
        if exports.needs_background(fmt, portfolio.count):
            return render(
                request,
                "reflections/export_start.html",
                {"fmt": fmt, "module": module, "count": portfolio.count},
            )
        content, content_type, filename = exports.EXPORTERS[fmt](portfolio)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def post(self, request, fmt: str, *args, **kwargs):
        if fmt not in exports.EXPORTERS:
            raise Http404("No such format.")
        job = exports.export_job_start(owner=request.user, fmt=fmt, module=self._module(request))
        return redirect(job)


class CertificateView(LoginRequiredMixin, View):
    """A module's certificate / CPD record: whether it is ready (and why not), issuing it,
    the PDF, and the public verification link the holder may withdraw."""

    template_name = "reflections/certificate.html"

    def get_module(self) -> Module:
        return get_object_or_404(
            Module.objects.enrolled_by(self.request.user), slug=self.kwargs["module_slug"]
        )

    def get(self, request, *args, **kwargs):
        module = self.get_module()
        record = certificate_record(user=request.user, module=module)
        certificate = record.certificate
        return render(
            request,
            self.template_name,
            {
                "module": module,
                "record": record,
                "certificate": certificate,
                "verification_url": request.build_absolute_uri(certificate.get_verification_path())
                if certificate
                else "",
            },
        )

    def post(self, request, *args, **kwargs):
        module = self.get_module()
        try:
            services.certificate_issue(user=request.user, module=module)
        except services.CertificateNotReady as not_ready:
            messages.error(request, " ".join(not_ready.reasons))
        else:
            messages.success(request, "Your certificate is ready to download.")
        return redirect("reflections:certificate", module_slug=module.slug)


class CertificatePdfView(LoginRequiredMixin, View):
    def get(self, request, module_slug: str, *args, **kwargs):
        certificate = get_object_or_404(
            Certificate.objects.for_user(request.user).select_related("module"),
            module__slug=module_slug,
        )
        record = certificate_record(user=request.user, module=certificate.module)
        pdf = certificate_pdf(
            record,
            verification_url=request.build_absolute_uri(certificate.get_verification_path()),
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"certificate-{certificate.module.slug}-{certificate.completed_on.isoformat()}"
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response


class CertificatePublicView(LoginRequiredMixin, View):
    """POST: withdraw the public verification page, or make it public again."""

    def post(self, request, module_slug: str, *args, **kwargs):
        certificate = get_object_or_404(
            Certificate.objects.for_user(request.user), module__slug=module_slug
        )
        public = request.POST.get("public") == "1"
        services.certificate_set_public(certificate=certificate, by=request.user, public=public)
        messages.success(
            request,
            "Anyone with the link can verify your certificate again."
            if public
            else "Public verification is withdrawn: the link now says the certificate could not "
            "be verified, and your Open Badge is revoked.",
        )
        return redirect("reflections:certificate", module_slug=module_slug)


class CertificateVerifyView(View):
    """Public: that a certificate is genuine (name, module, date, what it attests and who
    issued it; nothing else). An unknown or withdrawn code gets a page that says plainly it
    could not be verified, with the status 404 (so no tool takes it for a record)."""

    def get(self, request, code: str, *args, **kwargs):
        issuer_name = settings.CREDENTIALS_ISSUER_NAME
        certificate = Certificate.objects.verifiable().filter(code=code[:40]).first()
        if certificate is None:
            return render(
                request,
                "reflections/certificate_not_verified.html",
                {"code": code[:60], "issuer_name": issuer_name},
                status=404,
            )
        return render(
            request,
            "reflections/certificate_verify.html",
            {"certificate": certificate, "issuer_name": issuer_name},
        )


class ExportJobMixin(LoginRequiredMixin):
    """An export is its owner's alone: anyone else gets 404."""

    def get_job(self, *, with_file: bool = False) -> ExportJob:
        jobs = ExportJob.objects.owned_by(self.request.user).select_related("module")
        if not with_file:
            jobs = jobs.without_file()
        return get_object_or_404(jobs, pk=self.kwargs["pk"])


class ExportJobView(ExportJobMixin, View):
    """The export's progress ("12 of 200 reflections laid out"), polled by htmx every
    two seconds while a worker makes it; without JavaScript a link to look again."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        template = (
            "reflections/_export_job_status.html" if request.htmx else "reflections/export_job.html"
        )
        return render(request, template, {"job": job})


class ExportDownloadView(ExportJobMixin, View):
    """The finished file, for its owner, for a day."""

    def get(self, request, *args, **kwargs):
        job = self.get_job(with_file=True)
        if job.is_expired:
            return render(request, "reflections/export_job.html", {"job": job}, status=410)
        if job.state != ExportJob.State.READY:
            return redirect(job)
        response = HttpResponse(bytes(job.file), content_type=job.content_type)
        response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
        return response
