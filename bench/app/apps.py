from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The page benchmark's pieces: the floor page and the ``bench_data`` command.

    Installed only by ``portal.settings.bench``; production and tests never see it."""

    name = "bench.app"
    label = "bench"
    verbose_name = "Page benchmark"
