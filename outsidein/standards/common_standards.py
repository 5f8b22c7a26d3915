"""The Common Service Standards of the OPS Service Directive, as editable seed data."""

from decimal import Decimal

from django.db import transaction

from outsidein.accounts.models import Organization
from outsidein.standards.models import ServiceStandard
from outsidein.standards.services import standard_create, standard_publish
from outsidein.standards.vocabulary import Channel, StandardType, Unit

EIGHT_IN_TEN = Decimal("0.8")

# (code, fields). Wording follows the Directive; organizations edit them like any standard.
COMMON_STANDARDS: list[tuple[str, dict]] = [
    ("CSS-TEL-ANSWER", dict(
        name_en="Calls answered by the third ring", name_fr="Appels répondus avant la troisième sonnerie",
        text_en="We answer your call by the third ring during core hours (8:30 a.m. to 5 p.m.).",
        text_fr="Nous répondons à votre appel avant la troisième sonnerie pendant les heures "
                "normales (8 h 30 à 17 h).",
        standard_type=StandardType.ACCESS, channel=Channel.TELEPHONE, clock_start="call_started",
        clock_stop="answered", unit=Unit.RINGS, threshold=Decimal(3), target_share=EIGHT_IN_TEN)),
    ("CSS-TEL-PERSON", dict(
        name_en="You can always reach a person", name_fr="Vous pouvez toujours joindre une personne",
        text_en="Every call offers you the choice to talk to a person.",
        text_fr="Chaque appel vous offre le choix de parler à une personne.",
        standard_type=StandardType.ACCESS, channel=Channel.TELEPHONE, unit=Unit.NONE,
        target_share=EIGHT_IN_TEN)),
    ("CSS-TEL-REDIRECT", dict(
        name_en="Redirected no more than once", name_fr="Transféré au plus une fois",
        text_en="If we must transfer your call, we transfer it no more than 1 time.",
        text_fr="Si nous devons transférer votre appel, nous le transférons au plus 1 fois.",
        standard_type=StandardType.ACCESS, channel=Channel.TELEPHONE, unit=Unit.COUNT,
        threshold=Decimal(1), target_share=EIGHT_IN_TEN)),
    ("CSS-TEL-CALLBACK", dict(
        name_en="Calls returned within 1 business day", name_fr="Appels retournés en 1 jour ouvrable",
        text_en="We return your call within 1 business day.",
        text_fr="Nous vous rappelons dans un délai de 1 jour ouvrable.",
        standard_type=StandardType.TIMELINESS, channel=Channel.TELEPHONE,
        clock_start="callback_requested", clock_stop="callback_returned",
        unit=Unit.BUSINESS_DAYS, threshold=Decimal(1), target_share=EIGHT_IN_TEN)),
    ("CSS-TEL-PROTOCOL", dict(
        name_en="Common telephone protocol", name_fr="Protocole téléphonique commun",
        text_en="Staff give their name and the name of the office, and help you politely.",
        text_fr="Le personnel donne son nom et celui du bureau, et vous aide avec courtoisie.",
        standard_type=StandardType.ACCURACY, channel=Channel.TELEPHONE, unit=Unit.NONE,
        target_share=EIGHT_IN_TEN)),
    ("CSS-MAIL-RESPONSE", dict(
        name_en="Mail, fax and e-mail answered within 15 business days",
        name_fr="Courrier, télécopies et courriels répondus en 15 jours ouvrables",
        text_en="We answer your letter, fax or e-mail within 15 business days of receiving it.",
        text_fr="Nous répondons à votre lettre, télécopie ou courriel dans les 15 jours "
                "ouvrables suivant sa réception.",
        standard_type=StandardType.TIMELINESS, channel=Channel.MAIL, clock_start="received",
        clock_stop="responded", unit=Unit.BUSINESS_DAYS, threshold=Decimal(15),
        target_share=EIGHT_IN_TEN)),
    ("CSS-MAIL-INTERIM", dict(
        name_en="Interim reply within 5 business days", name_fr="Réponse provisoire en 5 jours ouvrables",
        text_en="If we cannot give a full answer, we tell you within 5 business days when you "
                "will get one.",
        text_fr="Si nous ne pouvons pas répondre complètement, nous vous disons en 5 jours "
                "ouvrables quand vous aurez une réponse.",
        standard_type=StandardType.TIMELINESS, channel=Channel.MAIL, clock_start="received",
        clock_stop="acknowledged", unit=Unit.BUSINESS_DAYS, threshold=Decimal(5),
        target_share=EIGHT_IN_TEN)),
    ("CSS-WALKIN-HOURS", dict(
        name_en="Staff help from 8:30 a.m. to 5 p.m.", name_fr="Aide du personnel de 8 h 30 à 17 h",
        text_en="Our offices have staff to help you at least from 8:30 a.m. to 5 p.m. on "
                "business days.",
        text_fr="Nos bureaux ont du personnel pour vous aider au moins de 8 h 30 à 17 h les "
                "jours ouvrables.",
        standard_type=StandardType.ACCESS, channel=Channel.IN_PERSON, unit=Unit.NONE,
        target_share=EIGHT_IN_TEN)),
    ("CSS-WALKIN-ORDER", dict(
        name_en="Served in order and told the wait", name_fr="Servi dans l’ordre et informé de l’attente",
        text_en="We serve you in order of arrival, tell you the expected wait, and post the "
                "best times to come.",
        text_fr="Nous vous servons dans l’ordre d’arrivée, vous indiquons l’attente prévue et "
                "affichons les meilleurs moments pour venir.",
        standard_type=StandardType.OTHER, channel=Channel.IN_PERSON, unit=Unit.NONE,
        target_share=EIGHT_IN_TEN)),
    ("CSS-FEEDBACK-ACK", dict(
        name_en="Complaints acknowledged within 2 business days",
        name_fr="Plaintes confirmées en 2 jours ouvrables",
        text_en="We record your complaint and tell you we received it within 2 business days.",
        text_fr="Nous enregistrons votre plainte et confirmons sa réception dans un délai de "
                "2 jours ouvrables.",
        standard_type=StandardType.TIMELINESS, channel="", clock_start="received",
        clock_stop="acknowledged", unit=Unit.BUSINESS_DAYS, threshold=Decimal(2),
        target_share=EIGHT_IN_TEN)),
    ("CSS-FEEDBACK-FOLLOWUP", dict(
        name_en="Follow-up on complaints within 15 business days",
        name_fr="Suivi des plaintes en 15 jours ouvrables",
        text_en="We follow up on your complaint within 15 business days.",
        text_fr="Nous faisons le suivi de votre plainte dans un délai de 15 jours ouvrables.",
        standard_type=StandardType.TIMELINESS, channel="", clock_start="received",
        clock_stop="followed_up", unit=Unit.BUSINESS_DAYS, threshold=Decimal(15),
        target_share=EIGHT_IN_TEN)),
    ("CSS-FEEDBACK-OFFER", dict(
        name_en="A chance to give feedback", name_fr="Une occasion de donner votre avis",
        text_en="Every time you deal with us, you can tell us how we did.",
        text_fr="Chaque fois que vous faites affaire avec nous, vous pouvez nous dire comment "
                "nous avons fait.",
        standard_type=StandardType.OTHER, channel="", unit=Unit.NONE, target_share=EIGHT_IN_TEN)),
]

REDRESS_EN = ("If we miss this standard, tell us: use the feedback form, call us, or write to "
              "us. We will acknowledge your complaint within 2 business days.")
REDRESS_FR = ("Si nous ne respectons pas cette norme, dites-le-nous : utilisez le formulaire de "
              "rétroaction, appelez-nous ou écrivez-nous. Nous confirmerons la réception de "
              "votre plainte dans un délai de 2 jours ouvrables.")


@transaction.atomic
def common_standards_seed(*, organization: Organization, effective_from, by=None) -> int:
    """Create and publish any missing Common Service Standard on the organization; count made."""
    existing = set(ServiceStandard.objects.filter(organization=organization, is_common=True)
                   .values_list("code", flat=True))
    made = 0
    for code, fields in COMMON_STANDARDS:
        if code in existing:
            continue
        version = standard_create(organization=organization, code=code, is_common=True, by=by,
                                  redress_en=REDRESS_EN, redress_fr=REDRESS_FR, **fields)
        standard_publish(version=version, by=by, effective_from=effective_from)
        made += 1
    return made
