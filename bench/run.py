"""Benchmark: export a 200-reflection portfolio to PDF (the issue asks for under 5 s).

Builds the data in a temporary SQLite database with the database cache, as a single
machine runs the portal: the course fixtures, one trainee, 200 reflections of about
420 words each (Gibbs' headings, emphasis, a list), each written and then saved as a
trainee would. Then it times the export the way the download view makes it:

- warm: the usual case, where the job each explicit save queued has already laid out
  that reflection's pages (reflections/pdf.py), so the export adds the cover and joins;
- cold: the kept layouts deleted first, so every reflection is laid out (ReportLab).

Run with `make bench`. Exits non-zero if the cold export or the warm median is over 5 s
or the PDF does not hold every reflection.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal_db import throwaway_portal  # noqa: E402

REFLECTIONS = 200
RUNS = 3
LIMIT_SECONDS = 5.0

PARAGRAPH = (
    "In the session I used **open questions** and reflective listening to explore the "
    "client's ambivalence about cutting down. I noticed that when I moved too quickly to "
    "advice the conversation closed, and when I summarised what I had heard the client "
    "offered more change talk. Miller and Rollnick describe this as *evoking*, and it felt "
    "different in practice from how it reads on the page."
)


def body(i: int) -> str:
    sections = ["Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"]
    parts = []
    for n, heading in enumerate(sections):
        parts.append(f"## {heading}\n\n{PARAGRAPH}")
        if n == 5:
            parts.append(
                "- Practise double-sided reflections\n- Record one session\n- Ask my supervisor"
            )
    return f"Reflection {i}.\n\n" + "\n\n".join(parts)


def main() -> int:
    with throwaway_portal():
        from django.core.management import call_command
        from pypdf import PdfReader

        from portal.services import user_create_verified
        from reflections.exports import build_portfolio, to_pdf
        from reflections.models import ReflectionTemplate, RenderedPdf
        from reflections.services import reflection_create, reflection_save, reflection_submit
        from topics.models import Task

        user = user_create_verified(
            email="bench@example.org",
            password="bench-password-2026",  # noqa: S106 - a throwaway database
            full_name="Bench Trainee",
        )
        tasks = list(Task.objects.select_related("topic__module"))
        gibbs = ReflectionTemplate.objects.get(slug="gibbs")
        start = time.perf_counter()
        for i in range(REFLECTIONS):
            reflection = reflection_create(
                author=user,
                title=f"Reflection {i + 1}: what I learnt",
                task=tasks[i % len(tasks)] if i % 10 else None,
                template=gibbs,
            )
            reflection_save(  # an explicit save: lays out this reflection's PDF pages
                reflection=reflection,
                by=user,
                expected_version=1,
                title=reflection.title,
                body=body(i + 1),
                cpd_minutes=30 + i % 90,
            )
            if i % 7 == 0 and reflection.task_id:  # free reflections are not reviewed
                reflection_submit(reflection=reflection, by=user)
        # Each save queued its layout as a job: a worker does them, as in production.
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
        setup = time.perf_counter() - start

        def export() -> tuple[float, float, bytes]:
            wall, cpu = time.perf_counter(), time.process_time()
            pdf, _, _ = to_pdf(build_portfolio(user))
            return time.perf_counter() - wall, time.process_time() - cpu, pdf

        to_pdf(build_portfolio(user, module=tasks[0].topic.module))  # imports, fonts
        warm = [export() for _ in range(RUNS)]
        RenderedPdf.objects.all().delete()
        cold_wall, cold_cpu, _ = export()
        timings = [wall for wall, _, _ in warm]
        pdf = warm[-1][2]

        reader = PdfReader(io.BytesIO(pdf))
        text = " ".join(page.extract_text() for page in reader.pages)
        found = sum(f"Reflection {i + 1}: what I learnt" in text for i in range(REFLECTIONS))
        median = statistics.median(timings)
        cpu = statistics.median(c for _, c, _ in warm)
        print(f"Setting up {REFLECTIONS} reflections, each written and saved: {setup:.1f} s")
        print(
            f"PDF export of {REFLECTIONS} reflections, warm: median {median:.2f} s "
            f"(CPU {cpu:.2f} s) over {RUNS} runs ({', '.join(f'{t:.2f}' for t in timings)} s)"
        )
        print(
            f"PDF export of {REFLECTIONS} reflections, cold (nothing laid out yet): "
            f"{cold_wall:.2f} s (CPU {cold_cpu:.2f} s)"
        )
        print(
            f"{len(reader.pages)} pages, {len(pdf) / 1024:.0f} KiB, "
            f"{found}/{REFLECTIONS} titles found in the PDF text; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
        )
        if found != REFLECTIONS:
            print("FAIL: the PDF does not hold every reflection.")
            return 1
        if median > LIMIT_SECONDS or cold_wall > LIMIT_SECONDS:
            print(f"FAIL: over the {LIMIT_SECONDS:.0f} s limit.")
            return 1
        print(f"OK: under the {LIMIT_SECONDS:.0f} s limit.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
