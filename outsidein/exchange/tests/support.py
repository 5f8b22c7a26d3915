"""GC files for the tests: the real ones imported once per test module (the files come from
the `gc_files` fixture of the root conftest), crafted ones written in memory."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


def imported_for_the_module(django_db_blocker, run: Callable[[], T]) -> Iterator[T]:
    """Run an import once for a module's tests, in a transaction rolled back when they end
    (for a module-scoped fixture: `yield from imported_for_the_module(...)`)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        report = run()
    yield report
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def crafted_csv(rows: list[dict[str, str]], columns: Iterable[str]) -> io.StringIO:
    """A file of these rows under these columns (values of other columns left out)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return io.StringIO(out.getvalue())
