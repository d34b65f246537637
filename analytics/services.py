"""Writing the summaries: a whole module's counts replaced in one transaction, so a
dashboard reads either the old counts or the new ones, never half of each."""

import time

from django.db import transaction
from django.utils import timezone

from modules.models import Module

from .models import Summary, SummaryState
from .recount import recount


def summaries_refresh(*, module: Module) -> SummaryState:
    """Recount every figure of ``module`` and store the counts in place of the old ones."""
    started = time.perf_counter()
    now = timezone.now()
    counts = recount(module, now=now)
    rows = [
        Summary(module=module, cohort_id=cohort, week=week, figure=figure, key=key, value=value)
        for (cohort, week, figure, key), value in counts.items()
    ]
    with transaction.atomic():
        Summary.objects.filter(module=module).delete()
        Summary.objects.bulk_create(rows, batch_size=2000)
        state, _ = SummaryState.objects.update_or_create(
            module=module,
            defaults={
                "refreshed_at": now,
                "took_ms": int((time.perf_counter() - started) * 1000),
                "rows": len(rows),
            },
        )
    return state


def summaries_refresh_all() -> list[SummaryState]:
    """Recount every module taught on the portal."""
    return [summaries_refresh(module=m) for m in Module.objects.filter(is_offered=True)]
