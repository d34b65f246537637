"""Public, stable addresses a verifier needs (issuer profile, keys, achievements, status
list, credentials that are not withdrawn), and the holder's downloads."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from modules.models import Module
from reflections.models import Certificate

from . import baking, keys, services
from .models import IssuedCredential, SigningKey

JSON_LD = "application/ld+json"


def _json(data, *, content_type="application/json", filename: str | None = None):
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in browsers read these
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class IssuerView(View):
    def get(self, request):
        return _json(services.issuer_profile(), content_type=JSON_LD)


class JwksView(View):
    """Every key the portal ever signed with, retired ones too (old credentials verify)."""

    def get(self, request):
        return _json({"keys": [keys.public_jwk(k) for k in SigningKey.objects.all()]})


class KeyView(View):
    """The ``kid`` of a credential's header dereferences here, to the public JWK."""

    def get(self, request, key_id: str):
        return _json(keys.public_jwk(get_object_or_404(SigningKey, key_id=key_id)))


class AchievementView(View):
    def get(self, request, slug: str):
        module = get_object_or_404(Module.objects.filter(is_published=True), slug=slug)
        return _json(services.achievement(module), content_type=JSON_LD)


class StatusListView(View):
    def get(self, request, number: str):
        if number != services.STATUS_LIST:
            raise Http404("No such status list.")
        response = HttpResponse(services.status_list_credential(number),
                                content_type="application/vc+jwt")  # fmt: skip
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "no-cache"
        return response


class PublicCredentialView(View):
    """The signed credential of a certificate its holder has not withdrawn (compact JWS);
    the verification page links it."""

    def get(self, request, uuid):
        issued = get_object_or_404(
            IssuedCredential.objects.filter(certificate__is_public=True), uuid=uuid
        )
        response = HttpResponse(issued.jws, content_type="application/vc+jwt")
        response["Content-Disposition"] = f'attachment; filename="open-badge-{uuid}.jwt"'
        response["Access-Control-Allow-Origin"] = "*"
        return response


class MyBadgeMixin(LoginRequiredMixin):
    def get_certificate(self) -> Certificate:
        return get_object_or_404(
            Certificate.objects.for_user(self.request.user).select_related("module", "user"),
            module__slug=self.kwargs["module_slug"],
        )


class MyBadgeDownloadView(MyBadgeMixin, View):
    """The holder's Open Badge: the credential as JSON, the signed JWT, or baked into a PNG
    or SVG badge image."""

    def get(self, request, module_slug: str, fmt: str):
        certificate = self.get_certificate()
        issued = IssuedCredential.objects.filter(certificate=certificate).first()
        if issued is None or fmt not in ("json", "jwt", "png", "svg"):
            raise Http404("No such badge.")
        name = f"open-badge-{module_slug}"
        if fmt == "json":
            return _json(services.credential_payload(issued), filename=f"{name}.json")
        if fmt == "jwt":
            content, content_type = issued.jws, "application/vc+jwt"
        elif fmt == "png":
            content, content_type = baking.baked_png(certificate, issued.jws), "image/png"
        else:
            content, content_type = baking.baked_svg(certificate, issued.jws), "image/svg+xml"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response


class IssueBadgeView(MyBadgeMixin, View):
    """POST: the Open Badge of a certificate made before badges were issued."""

    def post(self, request, module_slug: str):
        certificate = self.get_certificate()
        services.credential_issue_for(certificate)
        messages.success(request, "Your Open Badge is ready to download.")
        return redirect(certificate)
