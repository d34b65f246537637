"""HTTP clients for the local cluster, each able to come from its own address.

Linux routes all of 127.0.0.0/8 to the loopback interface, so a client that binds its
socket to 127.0.0.2 is, for nginx, a different machine from one on 127.0.0.3: that is
how the cluster tests and the load test stand for many clients on one computer.

The production settings mark the session and CSRF cookies Secure. Browsers treat
http://127.0.0.1 as a secure context and send them; Python's cookie jar does not, so
these clients send Secure cookies to loopback addresses too (and to nothing else).
"""

from __future__ import annotations

import re
from http.cookiejar import DefaultCookiePolicy

import requests
from requests.adapters import HTTPAdapter

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoopbackCookiePolicy(DefaultCookiePolicy):
    def return_ok_secure(self, cookie, request):
        host = request.host.split(":")[0]
        if host.startswith("127.") or host == "localhost":
            return True
        return super().return_ok_secure(cookie, request)


class SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source_ip: str, **kwargs):
        self.source_ip = source_ip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source_ip, 0)
        return super().init_poolmanager(*args, **kwargs)


def prepare(session: requests.Session, source_ip: str | None = None) -> requests.Session:
    """Make ``session`` send Secure cookies to the loopback cluster and, with
    ``source_ip``, connect from that address."""
    session.cookies.set_policy(LoopbackCookiePolicy())
    merged_prepare = session.prepare_request

    def prepare_request(request):
        # requests builds the Cookie header from a copy of the jar with the default
        # policy; build it again from the session's own jar and policy.
        prepared = merged_prepare(request)
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(session.cookies)
        return prepared

    session.prepare_request = prepare_request
    if source_ip:
        adapter = SourceAddressAdapter(source_ip)
        session.mount("http://", adapter)
    return session


def client(source_ip: str | None = None) -> requests.Session:
    return prepare(requests.Session(), source_ip)


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if not match:
        raise ValueError("no CSRF token on the page")
    return match.group(1)
