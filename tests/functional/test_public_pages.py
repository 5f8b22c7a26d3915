"""The public service directory and service pages, in English and French, as a visitor sees them."""

import datetime as dt
import html
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from outsidein.standards.services import guarantee_set, standard_create, standard_publish
from outsidein.standards.vocabulary import Channel, RemedyKind, StandardType, Unit
from tests import factories
from tests.functional.browser import (
    assert_no_axe_violations,
    assert_no_console_problems,
    keyboard_walk,
    tab_to,
)

# Interface text that must never appear on a French page (content strings are checked apart).
ENGLISH_INTERFACE = [
    "Service directory", "Search services", "Skip to main content", "Offered by",
    "About this service", "Fees", "How to reach this service", "Ways to get this service",
    "Our service standards", "Common Service Standards", "Service guarantee", "How to complain",
    "Our target", "times out of 10", "Our pledge", "Breadcrumb", "Footer", "Show all services",
]


def build_catalogue():
    """Two ministries of the Province of Example, their public services, one hidden service."""
    world = factories.province_world()
    gov, transport, health = world.gov, world.transport, world.health
    licence = factories.service(
        transport, code="DL", has_fee=True, fee_amount=Decimal("90.00"),
        fees_en="$90 for a five-year licence.", fees_fr="90 $ pour un permis de cinq ans.",
        contact_en="Call 1-800-555-0100, Monday to Friday.",
        contact_fr="Composez le 1-800-555-0100, du lundi au vendredi.",
        url_en="https://example.org/en/licence", url_fr="https://example.org/fr/permis",
        channels=[Channel.ONLINE, Channel.IN_PERSON, Channel.TELEPHONE])
    decision = factories.published_standard(
        licence, code="DL-DECISION",
        pledge_en="We treat you with courtesy and respect.",
        pledge_fr="Nous vous traitons avec courtoisie et respect.",
        redress_en="If we miss this standard, call 1-800-555-0199 and we will make it right.",
        redress_fr="Si nous ne respectons pas cette norme, composez le 1-800-555-0199 et nous "
                   "corrigerons la situation.")
    guarantee_set(standard=decision.standard, remedy_kind=RemedyKind.REFUND_AMOUNT,
                  refund_amount=Decimal("90.00"),
                  remedy_en="If we take longer, we refund your $90 fee.",
                  remedy_fr="Si nous prenons plus de temps, nous vous remboursons vos frais de 90 $.",
                  approving_body="Treasury Board/Management Board of Cabinet",
                  approved_on=dt.date(2025, 3, 1), approval_reference="TB-2025-017")
    common = standard_create(
        organization=gov, code="CSS-TEL-ANSWER", is_common=True,
        name_en="Calls answered by the third ring",
        name_fr="Appels répondus avant la troisième sonnerie",
        text_en="We answer your call by the third ring during core hours.",
        text_fr="Nous répondons à votre appel avant la troisième sonnerie pendant les heures "
                "normales.",
        standard_type=StandardType.ACCESS, channel=Channel.TELEPHONE, clock_start="call_started",
        clock_stop="answered", unit=Unit.RINGS, threshold=Decimal(3),
        target_share=Decimal("0.8"))
    standard_publish(version=common, effective_from=dt.date(2025, 4, 1))
    card = factories.service(health, code="HC", name_en="Health card renewal",
                             name_fr="Renouvellement de la carte Santé",
                             description_en="Renew your health card.",
                             description_fr="Renouvelez votre carte Santé.")
    abroad = factories.service(health, code="OOC", name_en="Out-of-country claims",
                               name_fr="Demandes de remboursement hors du pays",
                               description_en="Claim the costs of care received abroad.",
                               description_fr="")
    hidden = factories.service(transport, code="FLEET", name_en="Internal fleet booking",
                               name_fr="Réservation interne du parc automobile",
                               is_public=False)
    return SimpleNamespace(gov=gov, transport=transport, health=health, licence=licence,
                           decision=decision, card=card, abroad=abroad, hidden=hidden)


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def text_of(response) -> str:
    """The page's text with tags removed and entities decoded, for plain `in` checks."""
    body = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def language_switch(response) -> dict[str, str]:
    """The hidden `next` and the `language` of the page's language switch form."""
    body = response.content.decode()
    form = re.search(r'<form action="/i18n/setlang/".*?</form>', body, re.S).group(0)
    return {"next": html.unescape(re.search(r'name="next" type="hidden" value="([^"]*)"',
                                            form).group(1)),
            "language": re.search(r'name="language" value="(\w+)"', form).group(1)}


# --- Directory -----------------------------------------------------------------------------

def test_directory_lists_public_services_grouped_by_organization(client, catalogue):
    english = client.get("/en/")
    assert english.status_code == 200
    text = text_of(english)
    assert text.index("Ministry of Health") < text.index("Health card renewal") \
        < text.index("Ministry of Transportation") < text.index("Driver's licence renewal")
    assert "Out-of-country claims" in text

    french = text_of(client.get("/fr/"))
    assert french.index("Ministère de la Santé") < french.index("Renouvellement de la carte Santé") \
        < french.index("Ministère des Transports") \
        < french.index("Renouvellement du permis de conduire")
    assert "Driver's licence renewal" not in french
    assert 'href="/fr/services/' in client.get("/fr/").content.decode()


def test_directory_and_pages_hide_services_that_are_not_public(client, catalogue):
    assert "Internal fleet booking" not in text_of(client.get("/en/"))
    assert "Réservation interne" not in text_of(client.get("/fr/"))
    for lang in ("en", "fr"):
        assert client.get(f"/{lang}/services/{catalogue.hidden.slug}/").status_code == 404
        assert client.get(f"/{lang}/services/no-such-service/").status_code == 404
        assert client.get(f"/{lang}/?q=fleet").content.decode().count("/services/") == 0


def test_a_missing_service_page_answers_in_the_visitors_language(client, catalogue):
    french = client.get("/fr/services/no-such-service/")
    assert french.status_code == 404
    text = text_of(french)
    assert "Service introuvable" in text and "Trouver un service dans le répertoire" in text
    assert "Not Found" not in text and "Service not found" not in text
    assert 'href="/fr/"' in french.content.decode()
    assert "Service not found" in text_of(client.get("/en/services/no-such-service/"))


def test_search_matches_words_in_the_page_language_ignoring_case_and_accents(client, catalogue):
    found = text_of(client.get("/en/", {"q": "LICENCE renewal"}))
    assert "1 service matches “LICENCE renewal”" in found
    assert "Driver's licence renewal" in found and "Health card renewal" not in found

    # By the organization's name, without the accent, on the French page.
    french = text_of(client.get("/fr/", {"q": "sante"}))
    assert "2 services correspondent à « sante »" in french
    assert "Renouvellement de la carte Santé" in french
    assert "Renouvellement du permis de conduire" not in french

    # By the service identifier, in either language.
    assert "Renouvellement du permis de conduire" in text_of(client.get("/fr/", {"q": "dl"}))

    nothing = client.get("/en/", {"q": "passport"})
    assert "0 services match “passport”" in text_of(nothing)
    assert nothing.content.decode().count('href="/en/services/') == 0
    assert "Show all services" in text_of(nothing)


def test_search_text_is_escaped_and_kept_in_the_field(client, catalogue):
    body = client.get("/en/", {"q": '<script>alert("x")</script>'}).content.decode()
    assert "<script>" not in body
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in body


# --- Service page ----------------------------------------------------------------------------

def test_service_page_in_english_shows_what_a_client_needs(client, catalogue):
    response = client.get(f"/en/services/{catalogue.licence.slug}/")
    assert response.status_code == 200
    text = text_of(response)
    for expected in [
        "Driver's licence renewal", "Offered by: Ministry of Transportation",
        "Renew your driver's licence.", "$90 for a five-year licence.",
        "Online", "In person", "Telephone", "Call 1-800-555-0100, Monday to Friday.",
        "https://example.org/en/licence",
        "Decision within 15 business days",
        "We decide on complete applications within 15 business days.",
        "We meet this standard 8 times out of 10 (80%).",
        "We treat you with courtesy and respect.",
        "Common Service Standards", "Calls answered by the third ring",
        "Service guarantee", "If we take longer, we refund your $90 fee.",
        "If we miss this standard, call 1-800-555-0199 and we will make it right.",
    ]:
        assert expected in text, expected


def test_service_page_in_french_has_no_english(client, catalogue):
    response = client.get(f"/fr/services/{catalogue.licence.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="fr">' in body
    text = text_of(response)
    for expected in [
        "Renouvellement du permis de conduire", "Offert par : Ministère des Transports",
        "Renouvelez votre permis de conduire.", "90 $ pour un permis de cinq ans.",
        "En ligne", "En personne", "Téléphone", "https://example.org/fr/permis",
        "Décision en 15 jours ouvrables",
        "Nous respectons cette norme 8 fois sur 10 (80 %).",
        "Nous vous traitons avec courtoisie et respect.",
        "Normes de service communes", "Appels répondus avant la troisième sonnerie",
        "Garantie de service", "nous vous remboursons vos frais de 90 $",
        "Comment porter plainte", "composez le 1-800-555-0199",
    ]:
        assert expected in text, expected
    for english in ENGLISH_INTERFACE + [
        "Driver's licence renewal", "Renew your driver's licence", "five-year licence",
        "Monday to Friday", "/en/licence", "We decide on complete applications",
        "courtesy and respect", "Calls answered by the third ring", "refund your $90",
    ]:
        assert english not in text, f"English on the French page: {english!r}"
    # The only English is the switch to the English page, marked as such.
    assert '<button type="submit" name="language" value="en"' in body
    assert 'lang="en">English</button>' in body
    assert "Some information" not in text and "Certains renseignements" not in text


def test_french_directory_has_no_english_interface_text(client, catalogue):
    text = text_of(client.get("/fr/", {"q": "permis"}))
    for english in ENGLISH_INTERFACE + ["Search", "service matches", "services match"]:
        assert english not in text, f"English on the French page: {english!r}"
    assert "Répertoire des services" in text and "Rechercher des services" in text


def test_content_missing_in_french_is_announced_never_filled_with_english(client, catalogue):
    french = client.get(f"/fr/services/{catalogue.abroad.slug}/")
    body = french.content.decode()
    text = text_of(french)
    assert "Claim the costs of care received abroad" not in text
    assert "Certains renseignements sur ce service ne sont pas disponibles en français" in text
    assert "Aucune description n'est disponible en français." in text
    link = re.search(r'<a href="([^"]+)" lang="en" hreflang="en">([^<]+)</a>', body)
    assert link and link.group(1) == f"/en/services/{catalogue.abroad.slug}/"
    assert link.group(2) == "Read this page in English"

    english = text_of(client.get(f"/en/services/{catalogue.abroad.slug}/"))
    assert "Claim the costs of care received abroad." in english
    assert "not available in English" not in english


def test_without_redress_text_the_page_still_says_how_to_complain(client, catalogue):
    english = text_of(client.get(f"/en/services/{catalogue.card.slug}/"))
    assert "If you are not satisfied with this service, contact the organization that " \
           "offers it (Ministry of Health)" in english
    # No standards of its own: it says so, and the common ones still apply.
    assert "This service has not published standards of its own." in english
    assert "Calls answered by the third ring" in english
    french = text_of(client.get(f"/fr/services/{catalogue.card.slug}/"))
    assert "Si vous n'êtes pas satisfait de ce service, communiquez avec l'organisme qui " \
           "l'offre (Ministère de la Santé)" in french


def test_a_guarantee_shows_only_once_approved(client, catalogue):
    standard = factories.published_standard(catalogue.card, code="HC-MAIL").standard
    guarantee_set(standard=standard, remedy_kind=RemedyKind.FEE_SHARE,
                  fee_share=Decimal("0.5"), remedy_en="Half your fee back.",
                  remedy_fr="La moitié de vos frais remboursée.")
    page = client.get(f"/en/services/{catalogue.card.slug}/")
    assert "Service guarantee" not in text_of(page)
    assert "Half your fee back." not in text_of(page)

    guarantee_set(standard=standard, remedy_kind=RemedyKind.FEE_SHARE, fee_share=Decimal("0.5"),
                  remedy_en="", remedy_fr="", approving_body="Treasury Board",
                  approved_on=dt.date(2025, 3, 1), approval_reference="TB-1")
    assert "If we do not meet this standard, we refund 50% of the fee." in text_of(
        client.get(f"/en/services/{catalogue.card.slug}/"))
    assert "nous vous remboursons 50 % des frais." in text_of(
        client.get(f"/fr/services/{catalogue.card.slug}/"))


@pytest.mark.parametrize("path", ["/{lang}/", "/{lang}/services/{slug}/"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_have_landmarks_a_skip_link_and_no_inline_code(client, catalogue, path, lang):
    body = client.get(path.format(lang=lang, slug=catalogue.licence.slug)).content.decode()
    assert f'<html lang="{lang}">' in body
    assert body.index('href="#main"') < body.index("<header")
    for landmark in ('<header class="ontario-header"', '<main id="main"', "<footer", "<nav"):
        assert landmark in body
    assert body.count("<h1") == 1
    # The CSP (style-src 'self'; script-src 'self') would block these.
    assert "style=" not in body and "<style" not in body
    assert "<script" not in body and "onclick" not in body


# --- Language switch ---------------------------------------------------------------------------

def test_language_switch_lands_on_the_same_service_in_the_other_language(client, catalogue):
    english_url = f"/en/services/{catalogue.licence.slug}/"
    french_url = f"/fr/services/{catalogue.licence.slug}/"

    form = language_switch(client.get(english_url))
    assert form["language"] == "fr"
    switched = client.post("/i18n/setlang/", form)
    assert switched.status_code == 302 and switched["Location"] == french_url
    assert client.cookies["django_language"].value == "fr"
    assert '<html lang="fr">' in client.get(switched["Location"]).content.decode()

    form = language_switch(client.get(french_url))
    assert form["language"] == "en"
    switched = client.post("/i18n/setlang/", form)
    assert switched.status_code == 302 and switched["Location"] == english_url


def test_language_switch_works_whatever_language_the_browser_prefers(client, catalogue):
    # A French-speaking browser reading the English page: set_language runs in French, and
    # Django alone would not translate "/en/..." (it only resolves the active language's prefix).
    english_url = f"/en/services/{catalogue.licence.slug}/?ref=1"
    form = language_switch(client.get(english_url, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9"))
    switched = client.post("/i18n/setlang/", form, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert switched["Location"] == f"/fr/services/{catalogue.licence.slug}/?ref=1"

    form = language_switch(client.get("/fr/?q=permis"))
    switched = client.post("/i18n/setlang/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert switched["Location"] == "/en/?q=permis"


def test_root_sends_visitors_to_the_directory_in_their_language(client, catalogue):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")["Location"] == "/fr/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-CA")["Location"] == "/en/"


# --- In a real browser ---------------------------------------------------------------------

BROWSER_PAGES = {
    "directory-en": "/en/",
    "directory-fr": "/fr/",
    "search-fr": "/fr/?q=permis",
    "service-en": "/en/services/{licence}/",
    "service-fr": "/fr/services/{licence}/",
    "untranslated-fr": "/fr/services/{abroad}/",
}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(BROWSER_PAGES))
def test_axe_core_finds_no_violation(browser_page, live_server, transactional_db, name):
    data = build_catalogue()
    page = browser_page
    page.goto(BROWSER_PAGES[name].format(licence=data.licence.slug, abroad=data.abroad.slug))
    assert page.locator("html").get_attribute("lang") == name.rsplit("-", 1)[1]
    # The Ontario Design System styles were served (dark header), so contrast is checked on
    # the real look.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.ontario-header')).backgroundColor"
    ) == "rgb(26, 26, 26)"
    assert_no_axe_violations(page)
    assert_no_console_problems(page)


@pytest.mark.browser
def test_keyboard_only_visit_reaches_everything_and_switches_language(
        browser_page, live_server, transactional_db):
    data = build_catalogue()
    page = browser_page
    page.goto("/en/")

    walk = keyboard_walk(page)
    described = [f.describe() for f in walk]
    assert walk[0].href == "#main", described
    assert any(f.tag == "input" and f.name == "q" for f in walk), described
    assert any(f.tag == "button" and f.name == "language" and f.lang == "fr" for f in walk)
    service_links = {f.href for f in walk if f.href.startswith("/en/services/")}
    assert service_links == {f"/en/services/{s.slug}/"
                             for s in (data.licence, data.card, data.abroad)}
    hidden_focus = [f.describe() for f in walk if not (f.focus_visible and f.on_screen)]
    assert not hidden_focus, f"focus not visible on: {hidden_focus}"

    # Search with the keyboard alone.
    page.goto("/en/")
    tab_to(page, lambda f: f.name == "q")
    page.keyboard.type("licence")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/?q=licence")

    tab_to(page, lambda f: f.href == f"/en/services/{data.licence.slug}/")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/en/services/{data.licence.slug}/")
    service_walk = keyboard_walk(page)
    assert all(f.focus_visible and f.on_screen for f in service_walk), \
        [f.describe() for f in service_walk if not (f.focus_visible and f.on_screen)]

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_to(page, lambda f: f.name == "language")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/fr/services/{data.licence.slug}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Renouvellement du permis de conduire"
    assert_no_console_problems(page)


@pytest.mark.browser
def test_search_and_language_switch_work_without_javascript(browser, live_server,
                                                            transactional_db):
    data = build_catalogue()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/fr/")
        page.get_by_label("Rechercher des services").fill("permis")
        page.get_by_role("button", name="Rechercher", exact=True).click()
        page.wait_for_url("**/fr/?q=permis")
        page.get_by_role("link", name="Renouvellement du permis de conduire").click()
        page.wait_for_url(f"**/fr/services/{data.licence.slug}/")
        page.get_by_role("button", name="English").click()
        page.wait_for_url(f"**/en/services/{data.licence.slug}/")
        assert page.locator("h1").inner_text() == "Driver's licence renewal"
    finally:
        context.close()
