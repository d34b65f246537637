"""Key rotation from the admin and the command line, and the status list's encoding as the
W3C Bitstring Status List lays it out."""

import base64
import gzip
import io

from django.core.management import call_command
from django.urls import reverse

from credentials import services
from credentials.models import STATUS_LIST_SIZE, SigningKey


def _decode(encoded: str) -> bytes:
    assert encoded.startswith("u")  # multibase: base64url without padding
    body = encoded[1:]
    assert "=" not in body
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_encoded_list_bit_order_and_size():
    raw = _decode(services.encoded_list([0, 9, STATUS_LIST_SIZE - 1]))
    assert len(raw) == 16 * 1024  # the 131,072-bit minimum
    assert raw[0] == 0b1000_0000  # index 0 is the leftmost bit of the first byte
    assert raw[1] == 0b0100_0000
    assert raw[-1] == 0b0000_0001
    assert sum(bin(b).count("1") for b in raw) == 3


def test_rotate_from_the_admin(client_for, admin_user, certificate):
    old = SigningKey.objects.get()
    client = client_for(admin_user)
    url = reverse("admin:credentials_signingkey_changelist")
    client.get(url)
    response = client.post(
        url,
        {"action": "rotate", "_selected_action": [old.pk],
         "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        follow=True,
    )  # fmt: skip
    assert "are signed with" in response.content.decode()
    old.refresh_from_db()
    assert old.retired_at is not None
    assert SigningKey.objects.active().exclude(pk=old.pk).count() == 1
    # Keys cannot be added, edited or deleted by hand.
    assert client.get(reverse("admin:credentials_signingkey_add")).status_code == 403
    assert (
        client.get(reverse("admin:credentials_signingkey_delete", args=[old.pk])).status_code == 403
    )


def test_rotate_command(db):
    out = io.StringIO()
    call_command("rotate_signing_key", stdout=out)
    call_command("rotate_signing_key", stdout=out)
    assert SigningKey.objects.count() == 2 and SigningKey.objects.active().count() == 1
    assert "older keys retired" in out.getvalue()
