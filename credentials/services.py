"""Issuing a certificate's Open Badges 3.0 credential and publishing the revocation list.

Proof format: VC-JWT (the credential is the payload of a compact JWS, RS256). Chosen over
a Data Integrity proof (eddsa-rdfc-2022) because signing needs no JSON-LD
canonicalisation (no RDF dataset normalisation, no context documents fetched or pinned at
signing time), and because every JOSE library on every platform can verify it: RS256 is
the one algorithm Open Badges 3.0 requires verifiers to support."""

import base64
import gzip
import hashlib
import secrets
import uuid
from datetime import UTC

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from modules.models import LearningOutcome
from portal.pagecache import pages_changed
from reflections.certificates import evidence_map

from . import keys
from .models import STATUS_LIST_SIZE, IssuedCredential

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
STATUS_LIST = "1"  # one list; 131,072 entries before a second is needed


def url(name: str, **kwargs) -> str:
    """An absolute URL on the portal's public address (PORTAL_BASE_URL): the issuer's
    identifiers stay the same whichever host name a request came in on."""
    return settings.PORTAL_BASE_URL + reverse(name, kwargs=kwargs)


def issuer_id() -> str:
    return url("credentials:issuer")


def issuer_profile() -> dict:
    """The issuer's Profile, published at its id."""
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": settings.CREDENTIALS_ISSUER_NAME,
        "url": settings.PORTAL_BASE_URL + "/",
        "description": "Issues certificates of completion and CPD records for its training "
        "modules, earned with tutor-reviewed evidence.",
    }


def _iso(moment) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _identity_hash(value: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((value + salt).encode()).hexdigest()


def achievement(module) -> dict:
    """The module as an Achievement; its learning outcomes are its result descriptions."""
    outcomes = LearningOutcome.objects.filter(module=module).order_by("position")
    page = settings.PORTAL_BASE_URL + module.get_absolute_url()
    return {
        "id": url("credentials:achievement", slug=module.slug),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": module.title,
        "description": module.summary or module.title,
        "criteria": {
            "id": page,
            "narrative": "Earned by completing the module with "
            + "; ".join(module.certificate_needs)
            + ".",
        },  # fmt: skip
        "resultDescription": [
            {
                "id": f"{page}#outcome-{outcome.position}",
                "type": ["ResultDescription"],
                "name": outcome.text,
                "resultType": "Status",
            }
            for outcome in outcomes
        ],
    }


def build_credential(certificate, credential_uuid: uuid.UUID, status_index: int) -> dict:
    """The OpenBadgeCredential of a certificate (unsigned)."""
    module, user = certificate.module, certificate.user
    salt = secrets.token_hex(8)
    outcomes = evidence_map(user, [module]).get(module.pk, [])
    results, evidence = [], []
    achieved = achievement(module)
    for item, description in zip(outcomes, achieved["resultDescription"], strict=True):
        if item.is_evidenced:
            results.append({
                "type": ["Result"], "resultDescription": description["id"],
                "status": "Completed",
            })  # fmt: skip
        for piece in item.reviewed:
            evidence.append({
                "type": ["Evidence"],
                "name": f"Reflection reviewed by {piece.reviewer}",
                "description": f"Evidences the learning outcome “{item.outcome.text}”.",
            })  # fmt: skip
    status_list = url("credentials:status_list", number=STATUS_LIST)
    credential_id = f"urn:uuid:{credential_uuid}"
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.module_title}: certificate of completion",
        "description": f"Attests: {certificate.get_rule_display()}.",
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": settings.CREDENTIALS_ISSUER_NAME,
            "url": settings.PORTAL_BASE_URL + "/",
        },  # fmt: skip
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": {
            "id": f"urn:uuid:{uuid.uuid5(credential_uuid, 'subject')}",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.holder_name,
                    "identityType": "name",
                    "hashed": False,
                },
                {
                    "type": "IdentityObject",
                    "identityHash": _identity_hash(user.email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                },
            ],  # fmt: skip
            "achievement": achieved,
            "activityEndDate": _iso(
                timezone.make_aware(
                    timezone.datetime.combine(
                        certificate.completed_on, timezone.datetime.min.time()
                    )
                )
            ),
            "result": results,
        },
        "evidence": evidence,
        "credentialStatus": {
            "id": f"{status_list}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def jwt_claims(credential: dict) -> dict:
    """The registered claims OB 3.0 asks for beside the credential in a VC-JWT payload."""
    from django.utils.dateparse import parse_datetime

    return {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(parse_datetime(credential["validFrom"]).timestamp()),
    }


def credential_issue_for(certificate) -> IssuedCredential:
    """The certificate's credential, signed with the active key; made once."""
    existing = IssuedCredential.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
    key = keys.active_key()
    for _attempt in range(20):
        index = secrets.randbelow(STATUS_LIST_SIZE)  # random: indexes tell nothing
        credential_uuid = uuid.uuid4()
        credential = build_credential(certificate, credential_uuid, index)
        payload = {**credential, **jwt_claims(credential)}
        try:
            with transaction.atomic():
                issued = IssuedCredential.objects.create(
                    certificate=certificate, uuid=credential_uuid, signing_key=key,
                    jws=keys.sign(payload, key), status_index=index,
                )  # fmt: skip
        except IntegrityError:
            if IssuedCredential.objects.filter(certificate=certificate).exists():
                return IssuedCredential.objects.get(certificate=certificate)
            continue  # that status index was taken: draw another
        pages_changed(users=[certificate.user_id])
        return issued
    raise RuntimeError("No free status-list index after 20 draws.")


def credential_payload(issued: IssuedCredential) -> dict:
    """The credential as signed (the JWS payload), read back without checking (the
    portal made it)."""
    import json

    body = issued.jws.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def revoked_indexes() -> list[int]:
    """A credential is revoked while its certificate is withdrawn."""
    return list(
        IssuedCredential.objects.filter(certificate__is_public=False).values_list(
            "status_index", flat=True
        )
    )


def encoded_list(indexes) -> str:
    """The W3C Bitstring Status List encoding: bit i (from the left of byte 0) set for
    each index; GZIP; base64url without padding, with the multibase prefix "u"."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def status_list_credential(number: str) -> str:
    """The status list as a BitstringStatusListCredential, signed as a VC-JWT now."""
    list_url = url("credentials:status_list", number=number)
    now = timezone.now()
    credential = {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked_indexes()),
        },
    }
    key = keys.active_key()
    claims = {"iss": issuer_id(), "jti": list_url, "nbf": int(now.timestamp())}
    return keys.sign({**credential, **claims}, key)
