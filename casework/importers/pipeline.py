"""One import pipeline for every return: parse → validate → load.

- A structural error (missing columns, unparseable dates in a header, bad XML, unknown encoding)
  rejects the whole file.
- Record-level problems are listed by file, row and field. By default they reject the import;
  with `quarantine=True` the valid records load and the invalid ones are kept, with their
  reasons, in QuarantinedRecord for a performance officer to review. Nothing is silently dropped.
- Loading is one transaction: an import that fails or is interrupted leaves no rows.
- Each import is recorded in ImportRun (digest, who, when, counts, outcome), also when rejected.
"""

import gc
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from casework.importers.report import ERROR, Problem, Record, StructuralError
from casework.models import ImportRun, QuarantinedRecord


class Importer(Protocol):
    @property
    def kind(self) -> str: ...

    def parse(self, paths: Sequence[Path]) -> list[Record]: ...

    def validate(self, records: list[Record]) -> None: ...

    def load(self, records: list[Record]) -> dict[str, Any]: ...


@dataclass
class ImportResult:
    run: ImportRun
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.run.outcome != ImportRun.Outcome.REJECTED

    def report_lines(self) -> list[str]:
        lines = [f"{self.run.get_kind_display()} import: {self.run.get_outcome_display()}"]
        for table, counts in sorted(self.run.counts.items()):
            lines.append(f"  {table}: {counts}")
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s):")
            lines.extend(f"  - {p}" for p in self.problems)
        return lines


def digest_files(paths: Sequence[Path]) -> str:
    sha = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        sha.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
    return sha.hexdigest()


def run_import(
    importer: Importer,
    paths: Sequence[Path],
    *,
    user=None,
    quarantine: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    paths = [Path(p) for p in paths]
    expand = getattr(importer, "expand", None)
    if expand is not None:
        paths = expand(paths)
    run = ImportRun(
        kind=importer.kind,
        filename=", ".join(p.name for p in paths)[:255],
        digest=digest_files(paths),
        user=user if getattr(user, "is_authenticated", False) else None,
        started_at=timezone.now(),
        outcome=ImportRun.Outcome.REJECTED,
    )
    with _without_cyclic_gc():
        return _run(importer, run, paths, quarantine=quarantine, progress=progress)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """An import holds one object per record until it ends: every collection of the cyclic
    garbage collector walks all of them for nothing (half the parse time of a 100,000-row
    return). Reference counting still frees everything; the collector is back on afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(
    importer: Importer,
    run: ImportRun,
    paths: Sequence[Path],
    *,
    quarantine: bool,
    progress: Callable[[str], None] | None,
) -> ImportResult:
    problems: list[Problem] = []
    try:
        records = importer.parse(paths)
        importer.validate(records)
    except StructuralError as exc:
        problems = [exc.problem]
        return _finish(run, problems, {})
    problems = [p for r in records for p in r.problems]
    invalid = [r for r in records if not r.valid]
    if invalid and not quarantine:
        return _finish(run, problems, {})
    valid = [r for r in records if r.valid]
    if progress:
        progress(f"{len(valid):,} valid records, {len(invalid):,} with problems")
    try:
        with transaction.atomic():
            counts = importer.load(valid)
            # Checks against the stored history (an SSDA903 overlap with an episode loaded by an
            # earlier import) can only run inside the load's transaction: what they find is
            # quarantined like any other problem, or rejects the import without quarantine.
            late = [r for r in valid if not r.valid]
            history = list(getattr(importer, "history_problems", ()))
            problems = [p for r in records for p in r.problems] + history
            if (late or any(p.severity == ERROR for p in history)) and not quarantine:
                raise _Rejected
            invalid = invalid + late
            run.outcome = (
                ImportRun.Outcome.LOADED_WITH_QUARANTINE if invalid else ImportRun.Outcome.LOADED
            )
            if not invalid and all(
                c.get("created", 0) == 0 and c.get("updated", 0) == 0
                for c in counts.values()
                if isinstance(c, dict)
            ):
                run.outcome = ImportRun.Outcome.UNCHANGED
            _finish(run, problems, counts)
            after_load = getattr(importer, "after_load", None)
            if after_load is not None:
                after_load(run)
            QuarantinedRecord.objects.bulk_create(
                [
                    QuarantinedRecord(
                        import_run=run,
                        file=r.file,
                        row=r.row,
                        table=r.table,
                        record={k: _jsonable(v) for k, v in r.data.items()},
                        reasons=[
                            p.message if not p.field else f"{p.field}: {p.message}"
                            for p in r.problems
                        ],
                    )
                    for r in invalid
                ],
                batch_size=2000,
            )
    except _Rejected:
        run.outcome = ImportRun.Outcome.REJECTED
        return _finish(run, problems, {})
    return ImportResult(run, problems)


class _Rejected(Exception):
    """Rolls the load back: the stored-history checks found errors and quarantine is off."""


def _jsonable(value: Any) -> Any:
    """Dates (also nested, as in a CIN census child) as ISO strings."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _finish(run: ImportRun, problems: list[Problem], counts: dict[str, Any]) -> ImportResult:
    run.finished_at = timezone.now()
    run.counts = counts
    # Every problem is kept: the report promises the whole list.
    run.errors = [p.as_dict() for p in problems]
    run.save()
    return ImportResult(run, problems)
