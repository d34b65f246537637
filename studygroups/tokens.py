"""The signed links of study groups: an emailed invitation (single use, 14 days) and a
supervisor's personal link (90 days). Each carries a nonce stored on its row: replacing
the nonce, or using the invitation, makes every earlier link worthless at once."""

import time
from urllib.parse import quote

from django.core import signing
from django.urls import reverse

from .models import INVITATION_VALID_FOR, SUPERVISOR_LINK_VALID_FOR

INVITATION_SALT = "studygroups.invitation"
SUPERVISOR_SALT = "studygroups.supervisor"


def invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def read_invitation_token(token: str) -> tuple[int, str]:
    """(invitation id, nonce). Raises ``signing.SignatureExpired`` after 14 days and
    ``signing.BadSignature`` for anything forged or mangled."""
    data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_VALID_FOR)
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise signing.BadSignature("Malformed invitation.")
    return data["i"], str(data.get("n", ""))


def supervisor_token(membership) -> str:
    payload = {"m": membership.pk, "n": membership.link_nonce, "t": int(time.time())}
    return signing.dumps(payload, salt=SUPERVISOR_SALT)


def read_supervisor_token(token: str) -> dict:
    """{"m": membership id, "n": nonce, "t": when it was issued}. Raises as above."""
    data = signing.loads(token, salt=SUPERVISOR_SALT, max_age=SUPERVISOR_LINK_VALID_FOR)
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        raise signing.BadSignature("Malformed link.")
    return {"m": data["m"], "n": str(data.get("n", "")), "t": int(data.get("t", 0))}


def supervisor_path(membership, *, to: str = "") -> str:
    """The path of a supervisor's personal link; ``to`` (a page of the group) is where it
    lands once opened."""
    path = reverse("studygroups:supervise", kwargs={"token": supervisor_token(membership)})
    return f"{path}?next={quote(to)}" if to else path
