"""Open Badges 3.0 credentials issued for certificates, the keys that sign them, and the
revocation status list they point at."""

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

STATUS_LIST_SIZE = 131_072  # bits: the W3C Bitstring Status List's minimum (16 KiB)


def new_key_id() -> str:
    return timezone.now().strftime("%Y%m%d") + "-" + secrets.token_hex(4)


class SigningKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)


class SigningKey(models.Model):
    """An RSA key pair the portal signs credentials with (RS256, the algorithm Open Badges
    3.0 asks every verifier to support). The private key is stored encrypted
    (credentials.keys) and shown nowhere; the public key is published for ever, so a
    credential signed with a retired key still verifies."""

    key_id = models.CharField(max_length=40, unique=True, default=new_key_id)
    algorithm = models.CharField(max_length=10, default="RS256", editable=False)
    public_jwk = models.JSONField(editable=False)
    private_key_encrypted = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    retired_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="No longer signs new credentials; still verifies the ones it signed.",
    )  # fmt: skip

    objects = SigningKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["retired_at"],
                condition=Q(retired_at__isnull=True),
                name="one_active_signing_key",
            ),
        ]

    def __str__(self) -> str:
        state = "retired" if self.retired_at else "active"
        return f"Signing key {self.key_id} ({state})"

    def get_absolute_url(self) -> str:
        return reverse("credentials:key", kwargs={"key_id": self.key_id})


class IssuedCredential(models.Model):
    """The Open Badges 3.0 credential of one certificate, as the compact JWS it was signed
    as (VC-JWT). Its revocation is the certificate's withdrawal, published through the
    status list at ``status_index``."""

    certificate = models.OneToOneField(
        "reflections.Certificate", on_delete=models.CASCADE, related_name="credential"
    )
    uuid = models.UUIDField(unique=True, editable=False)
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    jws = models.TextField(editable=False, help_text="The signed credential (compact JWS).")
    status_index = models.PositiveIntegerField(unique=True, editable=False)
    issued_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"Open Badge {self.uuid}"

    def get_absolute_url(self) -> str:
        return reverse("credentials:credential", kwargs={"uuid": self.uuid})
