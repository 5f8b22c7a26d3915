"""Queued imports: an upload saved under DATA_DIR and handed to the task worker.

Apart from the imports themselves because the task (interactions.tasks) runs `imports`, and this
module queues the task: neither needs the other, so no import hides inside a function.
"""

import shutil
from pathlib import Path
from typing import IO

from django.db import transaction

from outsidein.interactions.models import (
    InteractionImport,
    SourceMapping,
)
from outsidein.interactions.selectors import (
    imports_dir,
)
from outsidein.interactions.services.imports import _import_record
from outsidein.interactions.tasks import import_records_task


def interactions_import_enqueue(*, file: str | Path | IO[bytes], source: str,
                                file_name: str = "", mapping: SourceMapping | str | None = None,
                                by=None, dry_run: bool = False,
                                organizations: list[str] | None = None,
                                organization: str | None = None,
                                encoding: str = "") -> InteractionImport:
    """Queue an import for the task worker; an uploaded file is first saved under DATA_DIR.

    With `organizations` (the codes the importer may import for, as a staff page gives them),
    every record must name one of them; others are rejected as unknown organizations, and a
    record held by an organization outside them is refused, not changed. `organization` names
    the owner of a source imported for the first time; `encoding` (a CSV's) overrides the
    mapping's and detection.
    """
    name = Path(file_name or getattr(file, "name", "") or "upload").name
    record = _import_record(source=source, mapping=mapping, by=by, dry_run=dry_run,
                            file_name=name, path="", queued=True, organizations=organizations,
                            owner=organization, encoding=encoding)
    if isinstance(file, str | Path):
        record.path = str(Path(file).absolute())
    else:
        target = imports_dir() / str(record.pk) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            shutil.copyfileobj(file, out, 1 << 20)
        record.path = str(target)
    record.save(update_fields=["path"])
    transaction.on_commit(lambda: import_records_task.enqueue(record.pk))
    return record
