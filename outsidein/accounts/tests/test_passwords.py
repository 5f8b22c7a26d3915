"""Staff change their password, or reset it through a link sent by e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from outsidein.accounts.services import user_create
from outsidein.common.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-passphrase-42"


@pytest.fixture
def lead(province_world):
    """Health's quality lead in the shared world."""
    return province_world.lead


def sign_in(client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_change_password_keeps_this_session_and_works_at_next_sign_in(client, lead):
    client.force_login(lead)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": factories.PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD}, follow=True)
    assert "Your password is changed" in response.content.decode()
    assert client.get(reverse("staff:home")).status_code == 200  # still signed in
    client.logout()
    refused = sign_in(client, "health-quality_lead", factories.PASSWORD)
    assert refused.status_code == 200  # refused: form again
    assert sign_in(client, "health-quality_lead", NEW_PASSWORD)["Location"] == reverse("staff:home")
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.actor == lead and entry.object_id == str(lead.pk)


def test_change_password_refuses_a_wrong_old_password(client, lead):
    client.force_login(lead)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "not-my-password", "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    lead.refresh_from_db()
    assert lead.check_password(factories.PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


def test_change_password_refuses_a_short_new_one_in_french(client, lead):
    client.force_login(lead)
    client.cookies["django_language"] = "fr"
    response = client.post(reverse("accounts:password_change"), {
        "old_password": factories.PASSWORD, "new_password1": "short-pw", "new_password2": "short-pw"})
    assert "Changer votre mot de passe" in response.content.decode()
    assert "au minimum 12 caractères" in response.content.decode()


def test_change_password_needs_signing_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)


def test_reset_sends_a_link_that_works_once(client, lead):
    client.get(reverse("accounts:login"))
    response = client.post(reverse("accounts:password_reset"), {"email": "HEALTH-QUALITY_LEAD@example.org"},
                           follow=True)
    assert "Check your e-mail" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["health-quality_lead@example.org"]
    assert message.subject == "Reset your Outside-In password"
    link = reset_link(message)

    form = client.get(link, follow=True)  # Django moves the token out of the address first
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                                    "new_password2": NEW_PASSWORD}, follow=True)
    assert "Your new password is saved" in done.content.decode()
    assert sign_in(client, "health-quality_lead", NEW_PASSWORD)["Location"] == reverse("staff:home")
    assert AuditEntry.objects.get(action="user.password_reset").actor == lead

    client.logout()
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_reset_answers_the_same_for_an_unknown_address(client, lead):
    known = client.post(reverse("accounts:password_reset"), {"email": "health-quality_lead@example.org"},
                        follow=True)
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"},
                          follow=True)
    assert len(mail.outbox) == 1
    assert known.redirect_chain == unknown.redirect_chain
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", known.content.decode()) == csrf.sub("", unknown.content.decode())


def test_reset_gives_a_first_password_to_an_account_created_without_one(client):
    user_create(username="newcomer", password=None, email="newcomer@example.org")
    client.post(reverse("accounts:password_reset"), {"email": "newcomer@example.org"})
    [message] = mail.outbox
    form = client.get(reset_link(message), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    assert sign_in(client, "newcomer", NEW_PASSWORD)["Location"] == reverse("staff:home")


def test_reset_mail_is_in_french_when_asked_in_french(client, lead):
    client.cookies["django_language"] = "fr"
    client.post(reverse("accounts:password_reset"), {"email": "health-quality_lead@example.org"})
    [message] = mail.outbox
    assert message.subject == "Réinitialiser votre mot de passe Outside-In"
    assert "Bonjour health-quality_lead," in message.body


def test_sign_in_page_links_to_the_reset(client):
    response = client.get(reverse("accounts:login"))
    assert reverse("accounts:password_reset") in response.content.decode()
