"""Shared plumbing of the GC import commands: a row progress bar on a terminal."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from outsidein.exchange.reading import count_rows


@contextmanager
def row_progress(path: Path) -> Iterator[Callable[[int], object] | None]:
    """A tqdm bar over the file's rows when stderr is a terminal (else None), closed on exit."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=count_rows(path), unit=" rows", file=sys.stderr, leave=False, desc="Reading")
    try:
        yield bar.update
    finally:
        bar.close()
