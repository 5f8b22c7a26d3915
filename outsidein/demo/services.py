"""Loading and removing the demo organization (idempotent)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from outsidein.accounts.models import ClientType, GovernmentLevel, Membership, Organization, OrgKind
from outsidein.accounts.services import membership_grant, organization_create, user_create
from outsidein.calendars.models import BusinessCalendar
from outsidein.calendars.services import calendar_create, calendar_set_hours, closure_add
from outsidein.demo import catalogue as c
from outsidein.standards.common_standards import common_standards_seed
from outsidein.standards.models import Guarantee, Service, ServiceStandard, StandardVersion
from outsidein.standards.services import guarantee_set, service_create, standard_create, standard_publish
from outsidein.standards.vocabulary import RemedyKind

EFFECTIVE = dt.date(2025, 4, 1)


def _org(code, name_en, name_fr, kind, parent, service_area="", client_types=None):
    existing = Organization.objects.filter(code=code).first()
    return existing or organization_create(
        code=code, name_en=name_en, name_fr=name_fr, kind=kind, parent=parent,
        level_of_government=GovernmentLevel.PROVINCIAL, service_area=service_area,
        client_types=client_types or [ClientType.INDIVIDUALS, ClientType.BUSINESSES])


def _calendars(root, offices):
    if BusinessCalendar.objects.filter(organization=root).exists():
        return
    gov = calendar_create(name="Province of Example", organization=root, timezone="America/Toronto",
                          country="CA", subdivision="ON", observe_substitute_days=True,
                          optional_holidays=["civic_holiday", "easter_monday"])
    calendar_set_hours(calendar=gov, slots={d: [(dt.time(8, 30), dt.time(17, 0))] for d in range(5)})
    north = calendar_create(name="Northtown office", organization=offices[0], parent=gov)
    # A small office closes for lunch: two slots a day.
    calendar_set_hours(calendar=north, slots={d: [(dt.time(8, 30), dt.time(12, 0)),
                                                  (dt.time(13, 0), dt.time(17, 0))] for d in range(5)})
    closure_add(calendar=north, on=dt.date(2025, 12, 12), name_en="Winter storm",
                name_fr="Tempête hivernale")
    lake = calendar_create(name="Lakeside office", organization=offices[1], parent=gov)
    calendar_set_hours(calendar=lake, slots={**{d: [(dt.time(8, 30), dt.time(17, 0))] for d in range(5)},
                                             5: [(dt.time(9, 0), dt.time(13, 0))]})
    contact = calendar_create(name="Contact centre", organization=offices[2], parent=gov)
    calendar_set_hours(calendar=contact, slots={d: [(dt.time(8, 0), dt.time(18, 0))] for d in range(5)})


def _service_standards(service, fee):
    channels = service.channels
    made = []
    if "online" in channels:
        made.append(("ONL", dict(
            name_en="Online requests completed within 5 business days",
            name_fr="Demandes en ligne traitées en 5 jours ouvrables",
            text_en="We complete your online request within 5 business days.",
            text_fr="Nous traitons votre demande en ligne dans un délai de 5 jours ouvrables.",
            pledge_en="We will tell you right away if anything is missing.",
            pledge_fr="Nous vous dirons tout de suite s'il manque quelque chose.",
            standard_type="timeliness", channel="online", clock_start="submitted",
            clock_stop="completed", unit="business_days", threshold=Decimal(5),
            target_share=Decimal("0.9"))))
    if "in_person" in channels:
        made.append(("WALK", dict(
            name_en="Served within 20 minutes", name_fr="Servi en 20 minutes",
            text_en="At our offices, we serve you within 20 minutes of your arrival.",
            text_fr="Dans nos bureaux, nous vous servons dans les 20 minutes suivant votre arrivée.",
            standard_type="timeliness", channel="in_person", clock_start="arrived",
            clock_stop="served", unit="minutes", threshold=Decimal(20), target_share=Decimal("0.8"))))
    for code, fields in made:
        version = standard_create(organization=service.organization, service=service,
                                  code=f"{service.code}-{code}",
                                  redress_en="Tell us if we miss this standard: we answer complaints within 2 business days.",
                                  redress_fr="Dites-nous si nous ne respectons pas cette norme : nous répondons aux plaintes en 2 jours ouvrables.",
                                  **fields)
        standard_publish(version=version, effective_from=EFFECTIVE)


def _guarantee(service):
    version = standard_create(
        organization=service.organization, service=service, code="BR-ELICENCE-GUARANTEE",
        name_en="Your licence in 2 business days, or your money back",
        name_fr="Votre licence en 2 jours ouvrables, ou nous vous remboursons",
        text_en="We issue your electronic business licence within 2 business days.",
        text_fr="Nous délivrons votre licence commerciale électronique en 2 jours ouvrables.",
        pledge_en="If we are late, we refund your fee in full.",
        pledge_fr="Si nous sommes en retard, nous vous remboursons les frais au complet.",
        standard_type="timeliness", channel="online", clock_start="submitted", clock_stop="completed",
        unit="business_days", threshold=Decimal(2), target_share=Decimal("0.95"))
    guarantee_set(standard=version.standard, remedy_kind=RemedyKind.FEE_SHARE, fee_share=Decimal(1),
                  remedy_en="Full refund of the licence fee.", remedy_fr="Remboursement complet des frais.",
                  approving_body="Management Board of Cabinet", approved_on=dt.date(2025, 2, 14),
                  approval_reference="MBC-2025-014")
    standard_publish(version=version, effective_from=EFFECTIVE)


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the Province of Example if it is missing; return what was created."""
    root = _org(c.DEMO_ROOT, "Province of Example", "Province d'Exemple", OrgKind.GOVERNMENT, None)
    orgs = {c.DEMO_ROOT: root}
    for code, en, fr, area in c.MINISTRIES:
        orgs[code] = _org(code, en, fr, OrgKind.MINISTRY, root, area)
    code, en, fr, area = c.DELIVERY
    orgs[code] = _org(code, en, fr, OrgKind.AGENCY, root, area)
    offices = [_org(oc, en, fr, OrgKind.OFFICE, orgs[code], area) for oc, en, fr in c.OFFICES]
    _calendars(root, offices)
    common = common_standards_seed(organization=root, effective_from=EFFECTIVE)
    created = 0
    for owner, scode, en, fr, line, channels, fee, den, dfr in c.SERVICES:
        org = orgs[owner]
        if Service.objects.filter(organization=org, code=scode).exists():
            continue
        service = service_create(
            organization=org, code=scode, name_en=en, name_fr=fr, description_en=den,
            description_fr=dfr, line_of_business=line, channels=channels, has_fee=fee is not None,
            fee_amount=fee, fees_en=f"${fee}" if fee else "No fee",
            fees_fr=f"{fee} $".replace(".", ",") if fee else "Aucuns frais",
            contact_en="Visit an office, call 1-800-555-0100 or go online.",
            contact_fr="Visitez un bureau, composez le 1-800-555-0100 ou allez en ligne.",
            client_types=[ClientType.BUSINESSES] if line == "Business registration" else [ClientType.INDIVIDUALS])
        _service_standards(service, fee)
        if scode == "BR-ELICENCE":
            _guarantee(service)
        created += 1
    users = 0
    User = get_user_model()
    hashed = make_password(c.DEMO_PASSWORD)  # one slow hash shared by every persona
    for username, role, org_code, first, last in c.PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=None, first_name=first,
                               last_name=last, email=f"{username}@example.org")
            user.password = hashed
            user.save(update_fields=["password"])
            users += 1
        if username == "admin" and not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        membership_grant(user=user, organization=orgs[org_code], role=role)
    return {"organizations": len(orgs) + len(offices), "services_created": created,
            "common_standards_created": common, "users_created": users}


@transaction.atomic
def demo_remove() -> None:
    """Delete the demo organization, its services, standards, calendars and personas."""
    root = Organization.objects.filter(code=c.DEMO_ROOT).first()
    if root is None:
        return
    orgs = root.subtree()
    standards = ServiceStandard.objects.filter(organization__in=orgs)
    Guarantee.objects.filter(standard__in=standards).delete()
    StandardVersion.objects.filter(standard__in=standards).delete()
    standards.delete()
    Service.objects.filter(organization__in=orgs).delete()
    calendars = BusinessCalendar.objects.filter(organization__in=orgs)
    calendars.filter(parent__isnull=False).delete()  # offices before the calendars they inherit
    calendars.delete()
    Membership.objects.filter(organization__in=orgs).delete()
    get_user_model().objects.filter(username__in=[p[0] for p in c.PERSONAS]).delete()
    for org in sorted(orgs, key=lambda o: -o.depth):
        org.delete()
