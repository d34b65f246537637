"""Locust users for the portal's load test (run by bench/load/run.py, not on its own).

Trainees sign in and go through their day: the dashboard, a task page, marking a task
done, writing a reflection (autosaved as they type, then saved, sometimes submitted for
review), the debate (stance,
arguments) and the portfolio; study-group convenors now and then invite a colleague (an
email, so the job workers have work). Tutors work the review queue: open the oldest
reflection, claim it, give feedback. The review pages come from the tutors' issue; until
they exist (``/review/`` answers 404) a tutor reads the debates and trainees' work
instead. ``LOAD_REVIEW=off`` forces that, ``on`` requires the review pages.

Every request is written to ``LOAD_EVENTS`` (JSON lines: when it started and ended, the
page, status, error), and every reflection save the portal acknowledged with the
reflection's id, version and a SHA-256 of its title and text, so that run.py can check
the database afterwards. Each simulated person connects from its own loopback address
(127.0.1.n), as nginx and the sign-in limits see separate clients.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import re
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from deploy.loopback import prepare  # noqa: E402

USERS = json.loads(Path(os.environ["LOAD_USERS"]).read_text())
EVENTS = open(os.environ["LOAD_EVENTS"], "a", buffering=1)  # noqa: SIM115 - for the run
REVIEW = os.environ.get("LOAD_REVIEW", "auto")
_lock = threading.Lock()
_trainees = itertools.cycle(USERS["trainees"])
_tutors = itertools.cycle(USERS["tutors"])
_addresses = itertools.count(1)
VERSION = re.compile(r'name="version" value="(\d+)"')
SAVED = re.compile(r'data-autosave-result="saved"')


def record(kind: str, **data) -> None:
    with _lock:
        EVENTS.write(json.dumps({"kind": kind, **data}) + "\n")


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, exception, **kw):
    response = kw.get("response")
    status = getattr(response, "status_code", None) if response is not None else None
    end = time.time()
    record(
        "request",
        method=request_type,
        name=name,
        ms=response_time,
        start=end - response_time / 1000,
        end=end,
        status=status,
        error=str(exception)[:200] if exception else "",
    )


def text_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


class Forms(HTMLParser):
    """The forms of a page: action, method and the values a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                 "fields": {}, "radios": {}, "textareas": []}
            )  # fmt: skip
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                form["radios"].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form["fields"][name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                form["fields"][name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""
            form["textareas"].append(name)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in form["fields"] or "selected" in a:
                form["fields"][self._select] = a.get("value", "")
        elif tag == "button" and name and a.get("value"):
            # The first button is the form's main action ("send", not "preview").
            form.setdefault("buttons", {}).setdefault(name, a["value"])

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(page: str) -> list[dict]:
    parser = Forms()
    parser.feed(page)
    return parser.forms


def form_where(page: str, test) -> dict | None:
    return next((f for f in forms_of(page) if test(f)), None)


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    account: dict

    def on_start(self):
        with _lock:
            n = next(_addresses)
        prepare(self.client, f"127.0.1.{n}")
        self.sign_in()

    def sign_in(self):
        page = self.client.get("/accounts/login/", name="sign in: form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not token:
            return
        with self.client.post(
            "/accounts/login/",
            data={"login": self.account["email"], "password": self.account["password"],
                  "csrfmiddlewaretoken": token.group(1)},
            name="sign in", allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"not signed in ({response.status_code})")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post(self, path, data, name, *, htmx=False, ok=(302,), check=None):
        """A form post as the browser sends it. A status outside ``ok``, or what
        ``check(response)`` names, counts as an error."""
        headers = {"Referer": self.host + path, "X-CSRFToken": self.csrf()}
        if htmx:
            headers["HX-Request"] = "true"
        data = {**data, "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(
            path, data=data, headers=headers, name=name, allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code not in ok:
                response.failure(f"status {response.status_code}")
            elif check is not None and (problem := check(response)):
                response.failure(problem)
            else:
                response.success()  # a 409 the page explains is an answer, not an error
            return response


class Trainee(PortalUser):
    weight = 5

    def on_start(self):
        with _lock:
            self.account = next(_trainees)
        self.tasks_urls = USERS["tasks"]
        self.reflection: dict | None = None
        super().on_start()

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")

    @task(3)
    def task_page(self):
        self.client.get(random.choice(self.tasks_urls)["url"], name="task")

    @task(2)
    def mark_done(self):
        item = random.choice(self.tasks_urls)
        self.client.get(item["url"], name="task")
        self.post(item["url"] + "done/", {"done": random.choice("10")}, "task: mark done")

    @task(2)
    def portfolio(self):
        self.client.get("/portfolio/", name="portfolio")

    @task(2)
    def debate(self):
        url = random.choice(USERS["debates"])
        page = self.client.get(url, name="debate")
        if page.status_code != 200:
            return
        stance = form_where(page.text, lambda f: f["action"].endswith("/stance/"))
        if stance and random.random() < 0.5:
            self.post(
                url + "stance/",
                {"position": random.choice(["for", "against", "undecided"]),
                 "confidence": str(random.randint(1, 5)), "reason": "Load test stance."},
                "debate: stance",
            )  # fmt: skip
        elif form_where(page.text, lambda f: f["action"].endswith("/arguments/")):
            self.post(
                url + "arguments/",
                {"side": random.choice(["for", "against"]),
                 "text": f"Trainee {self.account['n']} argues, at {time.strftime('%H:%M')}."},
                "debate: argument", ok=(302, 200),
            )  # fmt: skip

    @task(3)
    def write_reflection(self):
        """Start (or go on with) a reflection: three autosaves a few seconds apart, as
        the editor sends them while one types, then "Save draft"."""
        if self.reflection is None or random.random() < 0.25:
            if not self.start_reflection():
                return
        elif not self.open_editor():
            return
        for _ in range(3):
            time.sleep(random.uniform(0.5, 2))
            self.reflection["body"] += (
                f"\n\nA thought at {time.strftime('%H:%M:%S')}, number {random.randint(1, 999)}."
            )
            if not self.save(autosave=True):
                return
        self.reflection["body"] += "\n\nSaved on purpose."
        # One time in five the writer is done and submits it for review (the save
        # before submitting is a save like any other); the next one is a new reflection.
        submit = random.random() < 0.2
        if self.save(autosave=False, action="submit" if submit else "save") and submit:
            self.reflection = None

    def start_reflection(self) -> bool:
        item = random.choice(self.tasks_urls)
        page = self.client.get(f"/portfolio/new/?task={item['id']}", name="reflection: new")
        form = form_where(page.text, lambda f: f["method"] == "post" and "title" in f["fields"])
        if page.status_code != 200 or form is None:
            return False
        data = dict(form["fields"])
        data["title"] = f"Load test reflection {time.strftime('%H:%M:%S')}"
        if "structure" in form["radios"] and not data.get("structure"):
            data["structure"] = form["radios"]["structure"][0]
        response = self.post(f"/portfolio/new/?task={item['id']}", data, "reflection: create")
        match = re.search(r"/portfolio/(\d+)/edit/", response.headers.get("Location", ""))
        if not match:
            return False
        self.reflection = {"pk": int(match.group(1))}
        return self.open_editor()

    def open_editor(self) -> bool:
        """Read the reflection as it is in the database (after a failed save too)."""
        pk = self.reflection["pk"]
        page = self.client.get(f"/portfolio/{pk}/edit/", name="reflection: editor")
        form = form_where(page.text, lambda f: "body" in f["fields"] and "version" in f["fields"])
        if page.status_code != 200 or form is None:
            self.reflection = None  # submitted or gone: start another next time
            return False
        fields = form["fields"]
        self.reflection.update(
            title=fields["title"], body=fields["body"].removeprefix("\n"),
            cpd_minutes=fields.get("cpd_minutes") or "0", version=int(fields["version"]),
        )  # fmt: skip
        return True

    def save(self, *, autosave: bool, action: str = "save") -> bool:
        r = self.reflection
        data = {"title": r["title"], "body": r["body"], "cpd_minutes": r["cpd_minutes"],
                "version": str(r["version"])}  # fmt: skip
        if autosave:
            response = self.post(
                f"/portfolio/{r['pk']}/autosave/", data, "reflection: autosave", htmx=True,
                ok=(200,), check=lambda resp: None if SAVED.search(resp.text) else "refused",
            )  # fmt: skip
            match = VERSION.search(response.text) if SAVED.search(response.text) else None
            saved = response.status_code == 200 and match is not None
        else:
            data["action"] = action
            response = self.post(f"/portfolio/{r['pk']}/edit/", data, f"reflection: {action}")
            saved = response.status_code == 302
        if not saved:
            # No answer, or an error: the save may or may not have happened (a server
            # that died after its commit, before its answer). Noted as unknown, then the
            # writer reads back what is there, as the editor does.
            record(
                "unanswered save", reflection=r["pk"], version=r["version"] + 1,
                autosave=autosave, sha256=text_hash(r["title"], r["body"]),
                status=response.status_code, user=self.account["email"], at=time.time(),
            )  # fmt: skip
            self.open_editor()
            return False
        version = int(match.group(1)) if autosave else r["version"] + 1
        record(
            "save", reflection=r["pk"], version=version, autosave=autosave,
            sha256=text_hash(r["title"], r["body"]), user=self.account["email"], at=time.time(),
        )  # fmt: skip
        r["version"] = version
        return True

    @task(1)
    def invite_to_group(self):
        """A convenor invites a colleague (again: each time a fresh link by email)."""
        group = self.account.get("group")
        if not group:
            return
        self.client.get(f"/groups/{group}/", name="group")
        self.post(
            f"/groups/{group}/invite/",
            {"email": f"guest-{self.account['n']}@example.org"},
            "group: invite",
        )


class Tutor(PortalUser):
    weight = 1

    def on_start(self):
        with _lock:
            self.account = next(_tutors)
        super().on_start()
        self.review = REVIEW == "on"
        if REVIEW == "auto":  # a 404 here only says the review pages are not there yet
            with self.client.get("/review/", name="review: probe", catch_response=True) as r:
                self.review = r.status_code == 200
                if r.status_code == 404:
                    r.success()

    @task
    def work(self):
        if self.review:
            self.review_one()
        else:
            self.read_around()

    def read_around(self):
        """Without review pages: what a tutor can do as a reader and moderator."""
        self.client.get("/dashboard/", name="tutor: dashboard")
        self.client.get(random.choice(USERS["debates"]), name="tutor: debate")

    def review_one(self):
        queue = self.client.get("/review/", name="review: queue")
        links = [
            link
            for link in re.findall(r'href="(/review/[^"?#]+)"', queue.text)
            if re.search(r"/\d+/$", link) and "/cohort/" not in link
        ]
        if not links:
            return
        url = random.choice(links[:5])
        page = self.client.get(url, name="review: reflection")
        claim = form_where(page.text, lambda f: "claim" in f["action"] and f["method"] == "post")
        if claim and random.random() < 0.5:
            self.post(claim["action"] or url, dict(claim["fields"]), "review: claim")
            page = self.client.get(url, name="review: reflection")
        feedback = form_where(page.text, lambda f: f["method"] == "post" and f["textareas"])
        if feedback is None:
            return
        data = dict(feedback["fields"])
        data[feedback["textareas"][0]] = "Clear and honest. Say more about what you will try next."
        for name, values in feedback["radios"].items():
            if name not in data:
                data[name] = next((v for v in values if "review" in v), values[0])
        data.update(feedback.get("buttons", {}))
        # 409: another tutor's feedback came first (or the trainee withdrew it); the
        # portal says so and gives the text back. That is the portal working, not failing.
        self.post(feedback["action"] or url, data, "review: feedback", ok=(302, 409))
