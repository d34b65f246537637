"""Benchmark the tutor's cohort pages (issue 10):

- the cohort progress table of a module with 2,000 enrolled trainees, rendered as a
  tutor's browser asks for it (the whole Django stack, database cache and sessions, in
  SQLite as one machine runs the portal), against a 300 ms target;
- the cohort CSV of 10,000 trainees, streamed: its time, and the peak of memory
  allocated while it streams (tracemalloc), compared with the same CSV at 2,000 rows,
  to show that memory stays flat as the cohort grows.

Each trainee has a target per topic, some tasks done and a reflection submitted for
review (tests/factories.py: grow_cohort). Writes bench/out/review.csv and prints a
table. Run with `.venv/bin/python bench/review.py` (`make bench` runs it too). Exits
non-zero if the table's median is over 300 ms or the CSV's memory grows with its rows.
"""

import csv
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal_db import throwaway_portal  # noqa: E402

OUT = ROOT / "bench" / "out" / "review.csv"

TABLE_TRAINEES = 2_000
CSV_TRAINEES = 10_000
RUNS = 7
TABLE_TARGET_MS = 300
# "Flat": the 10,000-row peak may exceed the 2,000-row peak by this factor at most
# (a list of every row would be five times as large).
FLAT_FACTOR = 1.5


def _time_get(client, url: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    response = client.get(url)
    content = response.content
    return (time.perf_counter() - start) * 1000, response.status_code, content


def _stream_csv(client, url: str) -> tuple[float, int, int]:
    """(milliseconds, rows, peak bytes allocated while streaming)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    response = client.get(url)
    rows = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    elapsed = (time.perf_counter() - start) * 1000
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, rows - 1, peak


def main() -> int:
    with throwaway_portal():
        from django.test import Client

        from modules.models import Module, Tutor
        from portal.services import user_create_verified
        from tests.factories import grow_cohort

        module = Module.objects.get(slug="psycho-social-interventions")
        tutor = user_create_verified(
            email="bench-tutor@example.org",
            password="bench-password-2026",  # noqa: S106 - a throwaway database
            full_name="Bench Tutor",
        )
        Tutor.objects.filter(slug="gillian-tober").update(user=tutor)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(tutor)
        table_url = f"/review/cohort/{module.slug}/"
        csv_url = f"/review/cohort/{module.slug}/csv/"

        start = time.perf_counter()
        grow_cohort(module, trainees=TABLE_TRAINEES)
        print(f"{TABLE_TRAINEES} trainees set up in {time.perf_counter() - start:.1f} s")
        results = []
        views = [("by name", ""), ("most recently active", "?sort=-activity"),
                 ("overdue only", "?show=overdue"), ("page 40", "?page=40")]  # fmt: skip
        for label, query in views:
            _time_get(client, table_url + query)  # warm: templates, the query plan
            runs = []
            for _ in range(RUNS):
                ms, status, content = _time_get(client, table_url + query)
                assert status == 200, status
                runs.append(ms)
            median = statistics.median(runs)
            results.append(
                (f"cohort table, {TABLE_TRAINEES} trainees, {label}", median, "ms",
                 f"< {TABLE_TARGET_MS} ms", median < TABLE_TARGET_MS)
            )  # fmt: skip
            print(f"Cohort table ({label}): median {median:.0f} ms, "
                  f"runs {', '.join(f'{r:.0f}' for r in runs)} ms")  # fmt: skip
        ms_small, rows_small, peak_small = _stream_csv(client, csv_url)
        assert rows_small == TABLE_TRAINEES, rows_small

        start = time.perf_counter()
        grow_cohort(module, trainees=CSV_TRAINEES - TABLE_TRAINEES, start=TABLE_TRAINEES)
        print(f"{CSV_TRAINEES} trainees set up in {time.perf_counter() - start:.1f} s more")
        _stream_csv(client, csv_url)  # warm
        ms_big, rows_big, peak_big = _stream_csv(client, csv_url)
        assert rows_big == CSV_TRAINEES, rows_big
        flat = peak_big <= peak_small * FLAT_FACTOR
        results += [
            (f"CSV, {TABLE_TRAINEES} rows: time", ms_small, "ms", "", True),
            (f"CSV, {TABLE_TRAINEES} rows: peak memory (tracemalloc)", peak_small / 1024, "KiB",
             "", True),
            (f"CSV, {CSV_TRAINEES} rows: time", ms_big, "ms", "", True),
            (f"CSV, {CSV_TRAINEES} rows: peak memory (tracemalloc)", peak_big / 1024, "KiB",
             f"<= {FLAT_FACTOR} x the {TABLE_TRAINEES}-row peak", flat),
        ]  # fmt: skip
        print(f"CSV of {rows_small} rows: {ms_small:.0f} ms, peak {peak_small / 1024:.0f} KiB")
        print(f"CSV of {rows_big} rows: {ms_big:.0f} ms, peak {peak_big / 1024:.0f} KiB "
              f"({peak_big / peak_small:.2f} x)")  # fmt: skip
        _, _, content = _time_get(client, table_url)
        assert b"Page 1 of 200" in content, "10,000 trainees are 200 pages of 50"
        ms_10k = statistics.median(_time_get(client, table_url)[0] for _ in range(RUNS))
        results.append((f"cohort table, {CSV_TRAINEES} trainees, by name", ms_10k, "ms", "", True))
        print(f"Cohort table with {CSV_TRAINEES} trainees: median {ms_10k:.0f} ms")
        load = os.getloadavg()[0]
        print(f"Load average {load:.1f} on {os.cpu_count()} CPUs (a shared machine).")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["measure", "value", "unit", "target", "met"])
        for measure, value, unit, target, met in results:
            writer.writerow([measure, f"{value:.1f}", unit, target, "yes" if met else "no"])
        writer.writerow(["load average (1 min)", f"{load:.1f}", "", "", ""])
    print(f"Written to {OUT.relative_to(ROOT)}")
    failed = [r for r in results if not r[4]]
    for measure, value, unit, target, _ in failed:
        print(f"FAIL: {measure}: {value:.1f} {unit} (target {target})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
