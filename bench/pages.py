"""The page benchmark: every trainee and tutor page against a bare Django floor page.

Builds a data set (``manage.py bench_data``, see bench/app), serves the portal with
gunicorn (2 sync workers) under the production settings plus the bench overlay
(portal.settings.bench, which adds the floor page /bench/floor/: session auth, the
user, a small template) and measures each page with wrk, interleaved with the floor
page served by the same process: floor, page, floor, page ... floor. A page's ratio is
its req/s over the mean of the two floor runs beside it, so a busy machine (it is
shared) moves both alike. Each page is measured ``--rounds`` times; the medians are
kept.

Prints req/s, p50/p95 and the ratio to the floor and writes
bench/out/pages-<db>-<size>.csv (``--tag before`` writes before-pages-... instead).
A page passes when it serves at least half the floor's req/s with a p95 at most twice
the floor's. At ``--scale`` (10,000 trainees, 200,000 reflections, 50,000 arguments)
each page is also compared with the small set's CSV, when there is one: it passes
when its ratio is within 10 % of the small set's.

    make bench-pages                          # SQLite, the small set
    make bench-pages ARGS="--scale"           # SQLite at scale
    make bench-pages ARGS="--db postgres"     # DATABASE_URL and REDIS_URL (defaults below)
    make bench-pages ARGS="--no-page-cache --tag nocache"   # every visit renders

Exits non-zero when a page misses its target.
"""

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = str(ROOT / ".venv" / "bin" / "python")
WRK = os.environ.get("WRK", "/usr/bin/wrk")
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/i12"
REDIS_DEFAULT = "redis://127.0.0.1:6379/9"

MIN_RATIO = 0.5
MAX_P95_RATIO = 2.0
SCALE_TOLERANCE = 0.10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", action="store_true", help="10,000 trainees and more")
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8120")))
    parser.add_argument("--reuse", action="store_true", help="keep the data of the last run")
    parser.add_argument("--tag", default="", help="a prefix for the CSV, e.g. 'before'")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="PAGE_CACHE_SECONDS=0: every visit renders (the first visit after a change)",
    )
    return parser.parse_args()


def environment(args) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.bench",
            "SECRET_KEY": "bench-only-0123456789abcdef0123456789abcdef0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    if args.no_page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    if args.db == "postgres":
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL", PG_DEFAULT)
        env["REDIS_URL"] = os.environ.get("REDIS_URL", REDIS_DEFAULT)
    else:
        env["SQLITE_PATH"] = str(OUT / f"pages-sqlite-{size(args)}.sqlite3")
    return env


def size(args) -> str:
    return "scale" if args.scale else "small"


def manage(env, *command: str) -> None:
    subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603


def fresh_database(args, env) -> None:
    """Start from nothing: a new SQLite file, or the PostgreSQL database dropped and made
    again and the Redis database emptied."""
    if args.db == "sqlite":
        for leftover in OUT.glob(f"pages-sqlite-{size(args)}.sqlite3*"):
            leftover.unlink()
        return
    import psycopg
    import redis

    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def build(args, env) -> dict:
    pages_file = OUT / f"pages-{args.db}-{size(args)}.json"
    if args.reuse and pages_file.exists():
        return json.loads(pages_file.read_text())
    fresh_database(args, env)
    started = time.monotonic()
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "createcachetable", "--verbosity", "0")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    command = ["bench_data", "--out", str(pages_file)]
    if args.scale:
        command.append("--scale")
    manage(env, *command)
    print(f"Data set ({args.db}, {size(args)}) built in {time.monotonic() - started:.0f} s")
    return json.loads(pages_file.read_text())


def serve(args, env) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/", timeout=5):  # noqa: S310
                return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not start on port {args.port}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(url: str, cookie: str) -> None:
    """Each page must answer 200 to the signed-in person (not a redirect to sign in)."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise SystemExit(f"{url} answered {status}, not 200")


def wrk(args, url: str, cookie: str, *, drain: str) -> dict:
    """One wrk run; then one request to ``drain`` waits until the workers have finished
    what wrk left queued, so a slow page does not eat into the next run."""
    result = subprocess.run(  # noqa: S603
        [
            WRK,
            "-t2",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"^BENCH (\{.*\})$", result.stdout, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk gave no summary for {url}:\n{result.stdout}{result.stderr}")
    data = json.loads(match.group(1))
    check(drain, cookie)
    if data["non_2xx_3xx"] or data["socket_errors"]:
        print(
            f"  warning: {url}: {data['non_2xx_3xx']} bad answers, {data['socket_errors']} errors"
        )
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50": data["p50_us"] / 1000,
        "p95": data["p95_us"] / 1000,
    }


def measure(args, data: dict) -> list[dict]:
    base = f"http://127.0.0.1:{args.port}"
    cookies = data["cookies"]
    pages = data["pages"]
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        pages = [p for p in pages if p["name"] in wanted]
    floor = base + data["floor"]
    check(floor, cookies["trainee"])
    for page in pages:
        check(base + page["url"], cookies[page["who"]])
        for _ in range(3):  # warm both workers' caches and imports
            check(base + page["url"], cookies[page["who"]])
    runs: dict[str, list[dict]] = {p["name"]: [] for p in pages}
    for round_ in range(args.rounds):
        before = wrk(args, floor, cookies["trainee"], drain=floor)
        for page in pages:
            result = wrk(args, base + page["url"], cookies[page["who"]], drain=floor)
            after = wrk(args, floor, cookies["trainee"], drain=floor)
            floor_rps = max((before["rps"] + after["rps"]) / 2, 0.01)
            floor_p95 = max((before["p95"] + after["p95"]) / 2, 0.01)
            result.update(
                floor_rps=floor_rps,
                floor_p95=floor_p95,
                ratio=result["rps"] / floor_rps,
                p95_ratio=result["p95"] / floor_p95,
            )
            runs[page["name"]].append(result)
            print(
                f"  round {round_ + 1}: {page['name']:<18} {result['rps']:7.0f} req/s "
                f"({result['ratio']:4.0%} of floor {floor_rps:5.0f}), p95 {result['p95']:6.1f} ms",
                flush=True,
            )
            before = after
    rows = []
    for page in pages:
        results = runs[page["name"]]

        def median(key: str, results=results) -> float:
            return statistics.median(r[key] for r in results)

        rows.append(
            {
                "page": page["name"],
                "who": page["who"],
                "url": page["url"],
                "rps": round(median("rps"), 1),
                "p50_ms": round(median("p50"), 1),
                "p95_ms": round(median("p95"), 1),
                "floor_rps": round(median("floor_rps"), 1),
                "floor_p95_ms": round(median("floor_p95"), 1),
                "ratio": round(median("ratio"), 3),
                "p95_ratio": round(median("p95_ratio"), 2),
            }
        )
    return rows


def judge(args, rows: list[dict]) -> bool:
    """Mark each row; True when every page meets its target."""
    small = {}
    small_csv = OUT / f"{args.tag + '-' if args.tag else ''}pages-{args.db}-small.csv"
    if args.scale and small_csv.exists():
        with small_csv.open() as handle:
            small = {row["page"]: float(row["ratio"]) for row in csv.DictReader(handle)}
    ok = True
    for row in rows:
        problems = []
        if row["ratio"] < MIN_RATIO:
            problems.append(f"under {MIN_RATIO:.0%}")
        if row["p95_ratio"] > MAX_P95_RATIO:
            problems.append(f"p95 over {MAX_P95_RATIO:g}x")
        if row["page"] in small:
            row["small_ratio"] = small[row["page"]]
            if row["ratio"] < small[row["page"]] * (1 - SCALE_TOLERANCE):
                problems.append("slower at scale")
        row["verdict"] = "ok" if not problems else "; ".join(problems)
        ok = ok and not problems
    return ok


def report(args, rows: list[dict]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{args.tag + '-' if args.tag else ''}pages-{args.db}-{size(args)}.csv"
    fields = [
        "page", "who", "url", "rps", "p50_ms", "p95_ms", "floor_rps", "floor_p95_ms",
        "ratio", "p95_ratio", "small_ratio", "verdict",
    ]  # fmt: skip
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print()
    print(
        f"Pages on {args.db}, {size(args)} data set; {args.rounds} rounds of {args.duration} s, "
        f"wrk -t2 -c{args.connections}, gunicorn 2 sync workers; medians. Load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )
    header = f"{'page':<18} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'floor':>7}"
    header += f" {'ratio':>6} {'p95 x':>6}"
    if any("small_ratio" in r for r in rows):
        header += f" {'small':>6}"
    print(header + "  verdict")
    for row in rows:
        line = (
            f"{row['page']:<18} {row['rps']:7.0f} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} "
            f"{row['floor_rps']:7.0f} {row['ratio']:6.0%} {row['p95_ratio']:6.2f}"
        )
        if "small_ratio" in row:
            line += f" {row['small_ratio']:6.0%}"
        print(line + f"  {row['verdict']}")
    print(f"Written to {path.relative_to(ROOT)}")
    return path


def main() -> int:
    args = parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    env = environment(args)
    data = build(args, env)
    server = serve(args, env)
    try:
        rows = measure(args, data)
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = judge(args, rows)
    report(args, rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
