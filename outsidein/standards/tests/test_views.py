"""Staff pages: scoped to the user's organizations; editing a standard keeps its history."""

import pytest
from django.urls import reverse

from outsidein.accounts.models import Role
from outsidein.standards.vocabulary import VersionStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(province_world):
    """The shared world with a service and a published standard in each ministry: Health's
    card (`h`, `hstd`) and Transportation's road permit (`t`, `tstd`)."""
    w = province_world
    w.h = factories.service(w.health, code="H1", name_en="Health card", name_fr="Carte santé")
    w.t = factories.service(w.transport, code="T1", name_en="Road permit",
                            name_fr="Permis routier")
    w.hstd = factories.published_standard(w.h).standard
    w.tstd = factories.published_standard(w.t, code="ST2").standard
    return w


def signed_in(client, user):
    client.force_login(user)
    return client


def test_pages_need_sign_in(client, world):
    response = client.get(reverse("staff:services"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_of_one_ministry_sees_nothing_of_another(client, world):
    signed_in(client, world.analyst)
    listing = client.get(reverse("staff:services")).content.decode()
    assert "Health card" in listing and "Road permit" not in listing
    assert client.get(reverse("staff:service", args=[world.t.pk])).status_code == 404
    assert client.get(reverse("staff:standard", args=[world.tstd.pk])).status_code == 404
    assert client.get(reverse("staff:standard_edit", args=[world.tstd.pk])).status_code == 404
    assert client.get(reverse("staff:service", args=[world.h.pk])).status_code == 200


def test_search_and_filters(client, world):
    signed_in(client, factories.person("pex-lead", world.gov, Role.QUALITY_LEAD))
    page = client.get(reverse("staff:services"), {"q": "road"}).content.decode()
    assert "Road permit" in page and "Health card" not in page
    page = client.get(reverse("staff:services"), {"organization": "health"}).content.decode()
    assert "Health card" in page and "Road permit" not in page
    page = client.get(reverse("staff:services"), {"channel": "telephone"}).content.decode()
    assert "Health card" not in page


def test_analyst_cannot_edit(client, world):
    signed_in(client, world.analyst)
    assert client.get(reverse("staff:standard_edit", args=[world.hstd.pk])).status_code == 403


def _form_data(version, **changes):
    data = {f: getattr(version, f) for f in [
        "name_en", "name_fr", "text_en", "text_fr", "pledge_en", "pledge_fr", "redress_en",
        "redress_fr", "standard_type", "channel", "clock_start", "clock_stop", "unit",
        "threshold", "target_share"]}
    data.update({"calendar": "", "clock_pauses": "", "change_note": "Faster"})
    data.update(changes)
    return data


def test_editing_a_published_standard_makes_a_new_version(client, world):
    signed_in(client, world.lead)
    standard = world.hstd
    v1 = standard.versions.get()
    response = client.post(reverse("staff:standard_edit", args=[standard.pk]),
                           _form_data(v1, threshold="10", publish="on", effective_from="2026-01-01"))
    assert response.status_code == 302
    numbers = dict(standard.versions.values_list("number", "status"))
    assert numbers == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.PUBLISHED}
    page = client.get(reverse("staff:standard", args=[standard.pk])).content.decode()
    assert "Version 1" in page and "Version 2" in page and "standard.publish" in page


def test_invalid_edit_redisplays_in_french_and_changes_nothing(client, world):
    signed_in(client, world.lead)
    standard = world.hstd
    v1 = standard.versions.get()
    response = client.post(reverse("staff:standard_edit", args=[standard.pk]),
                           _form_data(v1, clock_start="answered"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert standard.versions.count() == 1
    assert "answered" in response.content.decode()


def test_the_edit_form_offers_and_takes_only_calendars_in_scope(client, world):
    own = factories.calendar(world.health, "Health offices")
    other = factories.calendar(world.transport, "Transportation offices")
    signed_in(client, world.lead)
    standard = world.hstd
    url = reverse("staff:standard_edit", args=[standard.pk])
    page = client.get(url).content.decode()
    assert "Health offices" in page and "Transportation offices" not in page
    response = client.post(url, _form_data(standard.versions.get(), calendar=other.pk))
    assert response.status_code == 200  # the form again, with the calendar refused
    assert standard.versions.count() == 1
    response = client.post(url, _form_data(standard.versions.get(), calendar=own.pk))
    assert response.status_code == 302
    assert standard.versions.order_by("-number").first().calendar == own
