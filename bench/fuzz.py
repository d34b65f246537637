"""The security review's fuzz run, big: tests/security/test_fuzz.py with many requests, on
SQLite with the database cache and on PostgreSQL with Redis (DATABASE_URL and REDIS_URL
as for the suite). Writes bench/out/fuzz-<db>.json (requests, answers by status, any 500
with its traceback) and exits non-zero if a run found a 500.

    .venv/bin/python bench/fuzz.py --requests 20000 [--db sqlite|postgres|both]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def run(db: str, requests: int) -> dict:
    env = dict(os.environ, FUZZ_REQUESTS=str(requests), FUZZ_OUT=str(OUT / f"fuzz-{db}.json"))
    if db == "sqlite":
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["FUZZ_DATABASE_CACHE"] = "1"  # as a single machine runs: the database cache
    elif not (env.get("DATABASE_URL") and env.get("REDIS_URL")):
        sys.exit("--db postgres needs DATABASE_URL and REDIS_URL")
    command = [sys.executable, "-m", "pytest", "tests/security/test_fuzz.py", "-q",
               "-p", "no:cacheprovider", "-k", "no_500"]  # fmt: skip
    finished = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
    result = json.loads((OUT / f"fuzz-{db}.json").read_text())
    result["exit"] = finished.returncode
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    failed = False
    for db in dbs:
        result = run(db, args.requests)
        failures = len(result["failures"])
        failed |= bool(failures) or result["exit"] != 0
        print(
            f"{db}: {result['requests']} requests over {result['routes']} URL patterns, "
            f"answers {dict(sorted(result['by_status'].items()))}, {failures} answered 500"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
