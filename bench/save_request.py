"""Benchmark: the reflection-save request (an explicit "Save" in the editor).

Before issue 9 the save laid out the reflection's PDF in the request (on commit, before
the response went out); now it queues a job and returns. This times the same POST with
Django's test client against a temporary SQLite database (dev settings, as `make run`),
N times, on the code in ``--root`` (default: this checkout). To compare with the code
before, export main into a folder and point ``--root`` at it:

    git archive main | tar -x -C /tmp/portal-main
    .venv/bin/python bench/save_request.py --root /tmp/portal-main --label before
    .venv/bin/python bench/save_request.py --label after

Each run appends a row to bench/out/save_request.csv.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
BODY = (
    "## Description\n\nIn the session I used **open questions** and reflective listening. "
    "I noticed that when I moved too quickly to advice the conversation closed.\n\n"
) * 6


def measure(root: Path, n: int, database_url: str) -> list[float]:
    os.chdir(root)
    sys.path.insert(0, str(root))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from portal.services import user_create_verified
    from reflections.models import Reflection, ReflectionTemplate
    from reflections.services import reflection_create

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_content", verbosity=0)
    user = user_create_verified(email="bench-save@example.org", password="bench-pass-2026-x",  # noqa: S106
                                full_name="Bench Saver")  # fmt: skip
    reflection = reflection_create(
        author=user, title="Bench", template=ReflectionTemplate.objects.first(), body=BODY
    )
    client = Client(HTTP_HOST="127.0.0.1")  # dev settings' ALLOWED_HOSTS
    client.force_login(user)
    url = reverse("reflections:edit", kwargs={"pk": reflection.pk})
    timings = []
    for i in range(n + 2):  # two to warm up (imports, fonts), not counted
        version = Reflection.objects.values_list("version", flat=True).get(pk=reflection.pk)
        data = {"title": f"Bench {i}", "body": BODY + f"\n\nSave {i}.", "cpd_minutes": 30,
                "version": version, "action": "save"}  # fmt: skip
        start = time.perf_counter()
        response = client.post(url, data)
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        if i >= 2:
            timings.append(elapsed * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=HERE)
    parser.add_argument("--label", default="after")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        for ms in measure(args.root.resolve(), args.n, os.environ.get("DATABASE_URL", "")):
            print(f"ms {ms:.3f}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SQLITE_PATH": str(Path(tmp) / "bench.sqlite3")}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        out = subprocess.run(  # noqa: S603 - a fresh process per code tree
            [sys.executable, __file__, "--child", "--root", str(args.root), "-n", str(args.n)],
            env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    timings = [float(line[3:]) for line in out.splitlines() if line.startswith("ms ")]
    row = {
        "label": args.label,
        "code": str(args.root),
        "requests": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p90_ms": round(statistics.quantiles(timings, n=10)[-1], 1),
        "mean_ms": round(statistics.fmean(timings), 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
    }
    path = HERE / "bench" / "out" / "save_request.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        if new:
            writer.writeheader()
        writer.writerow(row)
    print(", ".join(f"{k}={v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
