"""Before and after, side by side: `python bench/compare.py sqlite-small` reads
bench/out/before-pages-<db>-<size>.csv and after-pages-<db>-<size>.csv (made with
`bench/pages.py --tag before` on the old code and `--tag after` on the new) and prints
each page's ratio to the floor and p95 multiple in both."""

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
        print(f"\n{name}: ratio to the floor's req/s (p95 as a multiple of the floor's)")
        print(f"{'page':<18} {'before':>15} {'after':>15}  verdict after")
        for page, row in after.items():
            old = before.get(page)
            was = f"{float(old['ratio']):.0%} ({float(old['p95_ratio']):.1f}x)" if old else "-"
            now = f"{float(row['ratio']):.0%} ({float(row['p95_ratio']):.1f}x)"
            print(f"{page:<18} {was:>15} {now:>15}  {row['verdict']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
