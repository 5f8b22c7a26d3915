"""The fixed vocabularies of the inventory: channels, delivery modes, standard types, units."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    TELEPHONE = "telephone", _("Telephone")
    MAIL = "mail", _("Mail")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
    ONLINE = "online", _("Online")
    KIOSK = "kiosk", _("Kiosk")
    OTHER = "other", _("Other")


def channel_label(code: str) -> str:
    """A record's or result's channel as people read it ("in_person" → "In person"); feedback
    cases, a record channel that no standard names, included."""
    if code == "feedback":
        return str(_("Feedback"))
    try:
        return str(Channel(code).label)
    except ValueError:
        return code


class Delivery(models.TextChoices):
    DIRECT = "direct", _("Delivered directly")
    PARTNER = "partner", _("Delivered by a partner organization")
    THIRD_PARTY = "third_party", _("Delivered by a third party on our behalf")


class StandardType(models.TextChoices):
    TIMELINESS = "timeliness", _("Timeliness")
    ACCESS = "access", _("Access")
    ACCURACY = "accuracy", _("Accuracy")
    OTHER = "other", _("Other")


class Unit(models.TextChoices):
    RINGS = "rings", _("rings")
    SECONDS = "seconds", _("seconds")
    MINUTES = "minutes", _("minutes")
    BUSINESS_HOURS = "business_hours", _("business hours")
    BUSINESS_DAYS = "business_days", _("business days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    COUNT = "count", _("times (a count)")
    NONE = "none", _("no unit (yes/no)")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class RemedyKind(models.TextChoices):
    REFUND_AMOUNT = "refund_amount", _("Fixed refund")
    FEE_SHARE = "fee_share", _("Share of the fee refunded")
