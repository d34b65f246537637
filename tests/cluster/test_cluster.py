"""The portal behind nginx on two app servers: sign-in limits count each client across
both servers (Redis holds the counts; the app trusts exactly one proxy and reads the
client from X-Forwarded-For), another client still signs in, and an owner whose
account others locked gets in by an emailed code.

Clients are told apart by the address their socket comes from (127.0.0.x, all of which
Linux routes to the loopback interface), as nginx sees them: nothing here sets the
client's address by a header the app would believe."""

import mailbox
import re
import time

import pytest

from deploy.loopback import client, csrf_token

pytestmark = pytest.mark.cluster

LOCKED = "Too many failed login attempts"
LOGIN = "/accounts/login/"
TRAINEE = ("trainee@example.com", "trainee-demo-2026")
COLLEAGUE = ("colleague@example.com", "colleague-demo-2026")
TUTOR = ("tutor@example.com", "tutor-demo-2026")


def sign_in(session, base: str, email: str, password: str, *, shift=False, **headers):
    """One sign-in as a browser does it: the form, then the post. Returns the response
    to the post (302 when signed in; 200 with the form and its errors otherwise).
    nginx takes turns between the two servers, so a form and its post go to different
    ones; ``shift`` asks for one more page first, so the post goes to the other."""
    if shift:
        session.get(base + "/", timeout=30)
    page = session.get(base + LOGIN, timeout=30)
    assert page.status_code == 200, page.status_code
    return session.post(
        base + LOGIN,
        data={"login": email, "password": password, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": base + LOGIN, **headers},
        allow_redirects=False,
        timeout=30,
    )


def upstreams_since(
    cluster, offset: int, *, path: str, method: str = "POST", expect: int
) -> list[str]:
    """The app servers nginx passed each matching request to, from its access log (nginx
    writes a line once the answer has gone, so the last may be a moment behind)."""
    pattern = re.compile(rf'"{method} {re.escape(path)}[^"]*" \d+ upstream=(\S+)')
    deadline = time.monotonic() + 5
    while True:
        log = (cluster.logs / "nginx-access.log").read_text()[offset:]
        found = pattern.findall(log)
        if len(found) >= expect or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def log_size(cluster) -> int:
    return len((cluster.logs / "nginx-access.log").read_text())


def test_requests_are_spread_over_both_app_servers(cluster):
    offset = log_size(cluster)
    session = client("127.0.0.21")
    for _ in range(6):
        assert session.get(cluster.url + "/", timeout=30).status_code == 200
    served = upstreams_since(cluster, offset, path="/", method="GET", expect=6)
    assert sorted(set(served)) == ["127.0.0.1:8131", "127.0.0.1:8132"], served


def test_failed_sign_ins_from_one_client_are_limited_across_both_servers(cluster):
    """allauth's limit: 10 failed sign-ins a minute per client address."""
    base = cluster.url
    offset = log_size(cluster)
    # Ten wrong passwords from client A, each for a different unknown account (so only the
    # per-client limit can trip), each from a fresh browser session, over both servers.
    for n in range(10):
        response = sign_in(
            client("127.0.0.2"), base, f"nobody{n}@example.org", "wrong", shift=n % 2 == 1
        )
        assert response.status_code == 200 and LOCKED not in response.text, n
    served = upstreams_since(cluster, offset, path=LOGIN, expect=10)
    assert len(served) == 10 and len(set(served)) == 2, served  # both servers counted

    # The eleventh, even with the right password, is refused, whichever server takes it.
    offset = log_size(cluster)
    for n in range(2):
        refused = sign_in(client("127.0.0.2"), base, *TRAINEE, shift=n == 1)
        assert refused.status_code == 200 and LOCKED in refused.text
    assert len(set(upstreams_since(cluster, offset, path=LOGIN, expect=2))) == 2
    # A forged X-Forwarded-For does not make client A someone else: nginx appends the
    # address it saw, and the app reads only that last entry.
    forged = sign_in(client("127.0.0.2"), base, *TRAINEE, X_Forwarded_For="203.0.113.99")
    assert forged.status_code == 200 and LOCKED in forged.text

    # Client B, behind the same nginx, signs in as usual, on either server (three
    # requests a turn, so the posts alternate).
    offset = log_size(cluster)
    for _ in range(2):
        other = client("127.0.0.3")
        response = sign_in(other, base, *TRAINEE)
        assert response.status_code == 302, response.text[:500]
        assert other.get(base + "/dashboard/", timeout=30).status_code == 200
    assert len(set(upstreams_since(cluster, offset, path=LOGIN, expect=2))) == 2


def latest_code(cluster, to: str) -> str:
    box = mailbox.Maildir(cluster.run / "mail", create=False)
    found = []
    for message in box:
        if to not in message["To"]:
            continue
        for part in message.walk():
            if part.get_content_type() != "text/plain":
                continue
            text = part.get_payload(decode=True).decode()
            match = re.search(r"^\s*([A-Z0-9][A-Z0-9-]{5,11})\s*$", text, re.M)
            if match:
                found.append((message.get_date(), match.group(1)))
    assert found, f"no sign-in code mailed to {to}"
    return max(found)[1]


def test_owner_locked_out_by_others_gets_in_by_code(cluster):
    """Five wrong passwords for one account (allauth: 5 in five minutes per account),
    from five other clients, lock passwords out even for its owner; the owner asks for a
    code by email and is in."""
    base = cluster.url
    email, password = COLLEAGUE
    for n in range(5):
        response = sign_in(client(f"127.0.0.{30 + n}"), base, email, "guessing")
        assert response.status_code == 200 and LOCKED not in response.text
    owner = client("127.0.0.40")
    refused = sign_in(owner, base, email, password)
    assert refused.status_code == 200 and LOCKED in refused.text
    assert "Passwords are paused for this account" in refused.text

    response = owner.post(
        base + "/accounts/login/code/",
        data={"email": email, "csrfmiddlewaretoken": csrf_token(refused.text)},
        headers={"Referer": base + LOGIN},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    confirm = base + response.headers["Location"]
    page = owner.get(confirm, timeout=30)
    code = None
    for _ in range(300):  # sent now or by a job worker; the sink keeps it as it arrives
        try:
            code = latest_code(cluster, email)
            break
        except AssertionError:
            time.sleep(0.1)
    assert code, "no code arrived"
    response = owner.post(
        confirm,
        data={"code": code, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": confirm},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    dashboard = owner.get(base + "/dashboard/", timeout=30)
    assert dashboard.status_code == 200 and "Sign in" not in dashboard.url
    # The lock still holds against passwords, for the guessers and everyone else.
    again = sign_in(client("127.0.0.41"), base, email, password)
    assert again.status_code == 200 and LOCKED in again.text
