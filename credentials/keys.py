"""The issuer's signing keys: made, kept encrypted, and used to sign (joserfc).

A private key is stored only encrypted (Fernet, under a key derived with HKDF from
``CREDENTIALS_KEY_SECRET``, or from ``SECRET_KEY`` where that is not set). A backup or
export of the database therefore holds ciphertext that is useless without the server's
secret; no page, admin form or "download my data" shows it."""

import base64
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from joserfc import jws
from joserfc.jwk import RSAKey

from .models import SigningKey

ALGORITHM = "RS256"


class KeyUnavailable(Exception):
    """The private key cannot be decrypted (the server's secret changed)."""


@cache
def _fernet(secret: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"portal-credentials",
        info=b"signing keys at rest",
    ).derive(secret.encode())  # fmt: skip
    return Fernet(base64.urlsafe_b64encode(derived))


def _box() -> Fernet:
    return _fernet(settings.CREDENTIALS_KEY_SECRET or settings.SECRET_KEY)


def key_id_uri(key: SigningKey) -> str:
    """The JOSE ``kid``: a URL that dereferences to the public JWK, as OB 3.0 asks."""
    return settings.PORTAL_BASE_URL + key.get_absolute_url()


def public_jwk(key: SigningKey) -> dict:
    return {**key.public_jwk, "kid": key_id_uri(key), "alg": key.algorithm, "use": "sig"}


@transaction.atomic
def signing_key_create() -> SigningKey:
    """A new 3072-bit RSA key that signs from now on; the key it replaces is retired (it
    keeps verifying what it signed)."""
    private = RSAKey.generate_key(3072, private=True)
    public = {k: v for k, v in private.as_dict(private=False).items() if k in ("kty", "n", "e")}
    SigningKey.objects.active().update(retired_at=timezone.now())
    return SigningKey.objects.create(
        public_jwk=public,
        private_key_encrypted=_box().encrypt(private.as_pem(private=True)),
    )


def active_key() -> SigningKey:
    """The key that signs new credentials, made on first use."""
    key = SigningKey.objects.active().first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return signing_key_create()
    except IntegrityError:  # another process made it first
        return SigningKey.objects.active().get()


def _private(key: SigningKey) -> RSAKey:
    try:
        pem = _box().decrypt(bytes(key.private_key_encrypted))
    except InvalidToken as error:
        raise KeyUnavailable(f"The private key {key.key_id} cannot be decrypted.") from error
    return RSAKey.import_key(pem)


def sign(payload: dict, key: SigningKey) -> str:
    """``payload`` as a compact JWS (VC-JWT): header alg RS256, kid (a URL), typ JWT."""
    header = {"alg": ALGORITHM, "kid": key_id_uri(key), "typ": "JWT"}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, data, _private(key), algorithms=[ALGORITHM])


def read(token: str) -> tuple[dict, dict]:
    """The header and payload of a compact JWS the portal signed, checked against the key
    its ``kid`` names (joserfc). Raises ValueError when it does not verify."""
    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        key_id = str(header.get("kid", "")).rstrip("/").rsplit("/", 1)[-1]
        key = SigningKey.objects.get(key_id=key_id)
        public = RSAKey.import_key(key.public_jwk)
        obj = jws.deserialize_compact(token, public, algorithms=[ALGORITHM])
    except (SigningKey.DoesNotExist, ValueError, IndexError, Exception) as error:  # noqa: BLE001
        raise ValueError(f"The credential does not verify: {error}") from error
    return obj.headers(), json.loads(obj.payload)
