"""Change notifications: lower layers announce, compliance listens (and queues one run)."""

import pytest
from django_tasks_db.models import DBTaskResult

from outsidein.common import changes
from outsidein.compliance.services import compliance_recompute_on_change
from tests import factories


def test_compliance_listens_from_start_up():
    assert compliance_recompute_on_change in changes.listeners()


def test_every_listener_hears_each_change_once_with_its_versions(monkeypatch):
    monkeypatch.setattr(changes, "_listeners", [])
    heard = []
    changes.on_inputs_changed(heard.append)
    changes.on_inputs_changed(heard.append)  # registering twice is harmless
    changes.inputs_changed(reason="calendar closed", versions=[3, 1, 3])
    changes.inputs_changed(reason="import 7")
    assert heard == [changes.InputsChanged("calendar closed", (1, 3)),
                     changes.InputsChanged("import 7", None)]


@pytest.mark.django_db
def test_a_published_standard_queues_one_recompute(province_world,
                                                   django_capture_on_commit_callbacks):
    svc = factories.service(province_world.health)
    with django_capture_on_commit_callbacks(execute=True):
        factories.published_standard(svc)
    queued = DBTaskResult.objects.filter(task_path__endswith="recompute_task")
    assert [t.args_kwargs["kwargs"]["reason"] for t in queued] == ["ST1 v1 published"]
