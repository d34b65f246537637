"""An Open Badges 3.0 verifier written apart from the code that signs.

The portal signs with joserfc; this checks with PyJWT and cryptography. It knows nothing of
the portal's models: it gets the badge (a compact JWS, or a baked PNG or SVG) and a
``fetch(url) -> bytes`` for the issuer's published documents (the key the header's
``kid`` names, the status list), and checks, in order:

1. the proof: the RS256 signature against the public key dereferenced from ``kid``;
2. the VC-JWT claims OB 3.0 asks for (iss, jti, sub, nbf match the credential);
3. the credential against the OB 3.0 AchievementCredential JSON Schema (jsonschema);
4. that its JSON-LD expands with the published contexts, held locally (pyld with a
   document loader that never touches the network), keeping every term it uses;
5. its revocation: the W3C Bitstring Status List credential, itself verified, and the
   credential's bit in it.
"""

import base64
import gzip
import json
import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import jwt
from pyld import jsonld

Fetch = Callable[[str], bytes]

ROOT = Path(__file__).resolve().parents[2]


def _contexts_folder() -> Path:
    import openbadgeslib  # a registry package that ships the published contexts as JSON

    return Path(openbadgeslib.__file__).parent / "ob3" / "contexts"


CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}


def schema_path() -> Path | None:
    """The OB 3.0 AchievementCredential JSON Schema (1EdTech), held outside the repo: from
    ``OB3_SCHEMA``, or shared/ob3/ beside the checkout."""
    shared = ROOT.parent / "shared" / "ob3" / "ob_v3p0_achievementcredential_schema.json"
    candidates = [os.environ.get("OB3_SCHEMA", ""), shared]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def local_loader(url, options=None):
    """pyld document loader: the held copies only; any other URL is an error, so a test
    can never reach the network."""
    name = CONTEXT_FILES.get(url.split("#")[0])
    if name is None:
        raise jsonld.JsonLdError(f"No local copy of {url}", "loading document failed")
    document = json.loads((_contexts_folder() / name).read_text())
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": document}  # fmt: skip


@dataclass
class Result:
    credential: dict | None = None
    header: dict | None = None
    checks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    revoked: bool | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.revoked is False

    def report(self) -> str:
        lines = [f"  ok: {c}" for c in self.checks] + [f"  FAILED: {e}" for e in self.errors]
        verdict = "VERIFIED" if self.ok else ("REVOKED" if self.revoked else "NOT VERIFIED")
        return verdict + "\n" + "\n".join(lines)


# --- reading badges -----------------------------------------------------------------------


def jws_from_png(png: bytes) -> str:
    """The text of the first iTXt chunk with the keyword ``openbadgecredential``."""
    at = 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"iTXt":
            keyword, rest = data.split(b"\x00", 1)
            if keyword == b"openbadgecredential":
                assert rest[0] == 0, "the chunk must not be compressed"
                language_and_translated = rest[2:]
                _language, rest = language_and_translated.split(b"\x00", 1)
                _translated, text = rest.split(b"\x00", 1)
                return text.decode("utf-8")
        at += 12 + length
    raise ValueError("No openbadgecredential iTXt chunk in the PNG.")


def jws_from_svg(svg: str) -> str:
    root = ElementTree.fromstring(svg.encode())  # noqa: S314 - the portal's own badge, in a test
    found = root.find("{https://purl.imsglobal.org/ob/v3p0}credential")
    if found is None or not found.get("verify"):
        raise ValueError("No openbadges:credential element with a verify attribute.")
    return found.get("verify")


# --- checks -----------------------------------------------------------------------------


def _verify_jws(token: str, fetch: Fetch) -> tuple[dict, dict]:
    header = jwt.get_unverified_header(token)
    if header.get("alg") != "RS256":
        raise ValueError(f"unexpected algorithm {header.get('alg')}")
    if not re.match(r"^https?://", header.get("kid", "")):
        raise ValueError("the kid is not a URL to dereference")
    jwk = json.loads(fetch(header["kid"]))
    if "d" in jwk:
        raise ValueError("the published key holds private material")
    key = jwt.PyJWK(jwk, algorithm="RS256").key
    options = {"verify_aud": False, "require": ["iss", "jti", "nbf"]}
    payload = jwt.decode(token, key=key, algorithms=["RS256"], options=options)
    return header, payload


def _iso_to_epoch(value: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def verify(token: str, fetch: Fetch, *, schema: dict | None = None) -> Result:
    result = Result()
    try:
        header, payload = _verify_jws(token, fetch)
    except (jwt.PyJWTError, ValueError, KeyError) as error:
        result.errors.append(f"signature: {error}")
        return result
    result.header = header
    credential = {k: v for k, v in payload.items() if k not in ("iss", "jti", "sub", "nbf", "exp")}
    result.credential = credential
    result.checks.append(f"RS256 signature verifies with the key {header['kid']} (PyJWT)")
    claims = {
        "iss": credential.get("issuer", {}).get("id"),
        "jti": credential.get("id"),
        "sub": credential.get("credentialSubject", {}).get("id"),
        "nbf": _iso_to_epoch(credential.get("validFrom", "1970-01-01T00:00:00Z")),
    }
    mismatched = [name for name, value in claims.items() if payload.get(name) != value]
    if mismatched:
        result.errors.append(f"JWT claims do not match the credential: {mismatched}")
    else:
        result.checks.append("iss, jti, sub and nbf match issuer.id, id, "
                             "credentialSubject.id and validFrom")  # fmt: skip
    if schema is not None:
        validator = jsonschema.Draft201909Validator(schema)
        problems = sorted(validator.iter_errors(credential), key=lambda e: list(e.path))
        if problems:
            result.errors += [
                f"schema: {'/'.join(map(str, p.path))}: {p.message}" for p in problems
            ]
        else:
            result.checks.append("valid against the OB 3.0 AchievementCredential JSON Schema")
    try:
        expanded = jsonld.expand(credential, {"documentLoader": local_loader, "safe": True})
    except jsonld.JsonLdError as error:
        result.errors.append(f"JSON-LD: {error}")
    else:
        dropped = _dropped_terms(credential, expanded)
        if dropped:
            result.errors.append(f"JSON-LD: terms no context defines: {dropped}")
        else:
            result.checks.append("JSON-LD expands with the published contexts (held locally), "
                                 "every term defined")  # fmt: skip
    result.revoked = _revoked(credential, fetch, result)
    return result


def _dropped_terms(credential: dict, expanded: list) -> list[str]:
    """Keys of the compact form that expansion lost: pyld drops an undefined term silently
    (it has no JSON-LD 1.1 "safe mode"), so each key must reappear as an expanded IRI."""
    text = json.dumps(expanded).lower()
    missing = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                term = key.lower()
                if (
                    not key.startswith("@")
                    and key not in ("id", "type")
                    and (f'/{term}"' not in text and f'#{term}"' not in text)
                ):
                    missing.append(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in credential.items() if k != "@context"})
    return sorted(set(missing))


def _revoked(credential: dict, fetch: Fetch, result: Result) -> bool | None:
    status = credential.get("credentialStatus")
    if not status or status.get("type") != "BitstringStatusListEntry":
        result.errors.append("no BitstringStatusListEntry to check revocation with")
        return None
    try:
        list_token = fetch(status["statusListCredential"]).decode()
        _header, list_payload = _verify_jws(list_token, fetch)
    except (jwt.PyJWTError, ValueError, KeyError) as error:
        result.errors.append(f"status list: {error}")
        return None
    if list_payload.get("iss") != credential["issuer"]["id"]:
        result.errors.append("the status list is not the issuer's")
        return None
    subject = list_payload["credentialSubject"]
    encoded = subject["encodedList"]
    if not encoded.startswith("u"):
        result.errors.append("encodedList is not multibase base64url")
        return None
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    index = int(status["statusListIndex"])
    revoked = bool(raw[index // 8] & (0x80 >> (index % 8)))
    result.checks.append(
        f"status list {status['statusListCredential']} verifies; entry {index} "
        f"({status['statusPurpose']}) is {'SET: revoked' if revoked else 'clear'}"
    )
    return revoked
