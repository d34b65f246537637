"""The Open Badge on the certificate page (downloads) and the verification page (the
signed credential and how to check it without the portal)."""

from django.template.loader import render_to_string

from .models import IssuedCredential


def certificate_badge(request, certificate) -> str:
    if certificate is None:
        return ""
    issued = IssuedCredential.objects.filter(certificate=certificate).first()
    return render_to_string(
        "credentials/_certificate_badge.html",
        {"certificate": certificate, "issued": issued},
        request=request,
    )


def verification_badge(request, certificate) -> str:
    if certificate is None:
        return ""
    issued = IssuedCredential.objects.filter(certificate=certificate).first()
    if issued is None:
        return ""
    return render_to_string(
        "credentials/_verification_badge.html", {"issued": issued}, request=request
    )
