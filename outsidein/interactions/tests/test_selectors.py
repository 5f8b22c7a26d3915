"""Interactions reads: whom a user may import for, which imports and saved mappings they see,
which mapping an import uses, and an import's reject lines; in the shared world."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404

from outsidein.interactions.selectors import (
    import_for_user,
    import_owner_choices,
    import_reject_list,
    import_scope,
    imports_for_user,
    mapping_for,
    mapping_list,
    subtree_codes,
)
from tests import factories

pytestmark = pytest.mark.django_db
HEALTH = ["health", "health-north"]


def test_the_import_scope_is_the_subtree_of_roles_that_may_import(province_world):
    w = province_world
    assert import_scope(w.lead) == HEALTH
    assert import_scope(w.analyst) == HEALTH
    assert import_scope(w.transport_lead) == ["transport", "transport-south"]
    assert import_scope(w.auditor) == []        # may read, not import
    assert import_scope(AnonymousUser()) == []


def test_a_deactivated_user_imports_for_nobody_and_a_superuser_for_everyone(province_world):
    w = province_world
    w.lead.is_active = False
    w.lead.save()
    assert import_scope(w.lead) == []
    root = factories.person("root")
    root.is_superuser = True
    root.save()
    assert import_scope(root) is None


def test_a_new_source_is_owned_by_the_broadest_organization_of_the_scope(province_world):
    w = province_world
    assert import_owner_choices(HEALTH) == [w.health]
    assert import_owner_choices(["health-north"]) == [w.health_office]
    assert import_owner_choices(None) == [w.gov]


def test_subtree_codes_hold_the_organization_and_what_is_beneath(province_world):
    assert subtree_codes(province_world.health) == HEALTH
    assert subtree_codes(province_world.health_office) == ["health-north"]


def test_imports_are_seen_by_their_maker_and_those_who_may_import_for_the_owner(example_world):
    w = example_world
    health_imports = set(w.a.imports.values())
    assert {i.pk for i in imports_for_user(w.lead)} == health_imports
    assert {i.pk for i in imports_for_user(w.analyst)} == health_imports
    assert {i.pk for i in imports_for_user(w.transport_lead)} == {w.b.import_id}
    assert not imports_for_user(w.auditor).exists()


def test_another_ministrys_import_does_not_exist(example_world):
    w = example_world
    assert import_for_user(w.lead, w.a.import_id).pk == w.a.import_id
    with pytest.raises(Http404):
        import_for_user(w.lead, w.b.import_id)


def test_an_imports_reject_lines_come_in_file_order(example_world):
    w = example_world
    record = import_for_user(w.lead, w.a.import_id)
    [reject] = import_reject_list(record)
    assert (reject.field, reject.value) == ("organization", "nowhere")
    assert reject.line == len(w.a.records) + 1  # the last record of the batch, counted from 1
    assert import_reject_list(record, limit=0) == []


def test_saved_mappings_are_those_of_the_scope(example_world):
    w = example_world
    assert list(mapping_list(HEALTH)) == [w.a.mapping]
    assert set(mapping_list(None)) == {w.a.mapping, w.b.mapping}
    assert not mapping_list([]).exists()


def test_an_import_uses_the_mapping_named_or_the_only_one_of_its_source(example_world):
    w = example_world
    assert mapping_for(w.a.source, None, scope=HEALTH) == w.a.mapping
    assert mapping_for(w.a.source, w.a.mapping.name, scope=HEALTH) == w.a.mapping
    assert mapping_for("another-source", None, scope=HEALTH) is None


def test_another_ministrys_mapping_cannot_be_used_by_name_or_object(example_world):
    w = example_world
    with pytest.raises(ValidationError, match="No saved mapping named"):
        mapping_for(w.b.source, w.b.mapping.name, scope=HEALTH)
    with pytest.raises(ValidationError, match="No saved mapping named"):
        mapping_for(w.b.source, w.b.mapping, scope=HEALTH)
    assert mapping_for(w.b.source, None, scope=HEALTH) is None
