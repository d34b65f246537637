"""Profile one page of the page benchmark's data set, in process.

Uses the data that the last `make bench-pages` built (bench/out/pages-<db>-<size>.json
and its database), the bench settings, and Django's test client with the signed-in
person's session cookie, so the whole request (middleware included) is measured:

    .venv/bin/python bench/profile.py debate            # pyinstrument, if installed
    .venv/bin/python bench/profile.py debate --queries  # the SQL of one request
    .venv/bin/python bench/profile.py all --time        # ms per request for every page

pyinstrument is not a dependency of the portal: `uv pip install pyinstrument`.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", help="a page name from the benchmark, 'floor' or 'all'")
    parser.add_argument("-n", type=int, default=50, help="requests to profile")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request")
    parser.add_argument("--time", action="store_true", help="only the time per request")
    args = parser.parse_args()
    size = "scale" if args.scale else "small"
    data = json.loads((OUT / f"pages-{args.db}-{size}.json").read_text())
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.bench",
        SECRET_KEY="bench-only-0123456789abcdef0123456789abcdef0123456789",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    if args.db == "sqlite":
        os.environ["SQLITE_PATH"] = str(OUT / f"pages-sqlite-{size}.sqlite3")
    else:
        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/i12")
        os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages = {p["name"]: p for p in data["pages"]}
    pages["floor"] = {"name": "floor", "url": data["floor"], "who": "trainee"}
    names = list(pages) if args.page == "all" else [args.page]
    clients = {}
    for who, value in data["sessions"].items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[data["cookie_name"]] = value
        clients[who] = client
    for name in names:
        page = pages[name]
        client = clients[page["who"]]

        def get(page=page, client=client):
            response = client.get(page["url"], secure=True)
            assert response.status_code == 200, (page["url"], response.status_code)  # noqa: S101
            return response

        get()
        if args.queries:
            with CaptureQueriesContext(connection) as queries:
                get()
            print(f"{name}: {len(queries)} queries")
            for q in queries:
                print(f"  {q['time']}  {q['sql'][:300]}")
            continue
        if args.time:
            start = time.process_time()  # CPU time: the machine's load does not count
            for _ in range(args.n):
                get()
            ms = (time.process_time() - start) * 1000 / args.n
            with CaptureQueriesContext(connection) as queries:
                get()
            print(f"{name:<18} {ms:7.1f} ms CPU  {len(queries):3d} queries")
            continue
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.n):
            get()
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
