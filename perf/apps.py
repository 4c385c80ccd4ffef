from django.apps import AppConfig


class PerfConfig(AppConfig):
    """The benchmarks: the perfbench and bench_import commands. On top of every other app: it
    depends on them all and none depends on it."""

    name = "perf"
    verbose_name = "Benchmarks"
