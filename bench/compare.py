"""Before and after, side by side: `python bench/compare.py sqlite-small` reads
bench/out/before-pages-<db>-<size>.csv and after-pages-<db>-<size>.csv (made with
`bench/pages.py --tag before` on the old code and `--tag after` on the new) and prints
each page's ratio to the floor and p95 multiple in both, and its req/s and the floor's
(the ratio moves with the floor: a cheaper floor lowers every ratio)."""

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def read(path: Path) -> dict[str, dict]:
    with path.open() as handle:
        return {row["page"]: row for row in csv.DictReader(handle)}


def main() -> int:
    for name in sys.argv[1:] or ["sqlite-small", "postgres-small", "sqlite-scale"]:
        before_path, after_path = OUT / f"before-pages-{name}.csv", OUT / f"after-pages-{name}.csv"
        if not (before_path.exists() and after_path.exists()):
            print(f"{name}: no before and after CSV yet")
            continue
        before, after = read(before_path), read(after_path)
        print(f"\n{name}: ratio to the floor (p95 multiple); req/s of the page / of the floor")
        print(f"{'page':<18} {'before':>15} {'after':>15} {'before req/s':>14} {'after req/s':>14}")
        for page, row in after.items():
            old = before.get(page)
            was = f"{float(old['ratio']):.0%} ({float(old['p95_ratio']):.1f}x)" if old else "-"
            now = f"{float(row['ratio']):.0%} ({float(row['p95_ratio']):.1f}x)"
            was_rps = f"{float(old['rps']):.0f} / {float(old['floor_rps']):.0f}" if old else "-"
            now_rps = f"{float(row['rps']):.0f} / {float(row['floor_rps']):.0f}"
            print(f"{page:<18} {was:>15} {now:>15} {was_rps:>14} {now_rps:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
