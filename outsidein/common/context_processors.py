"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """Site name and the other language, for the language switch."""
    lang = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)[:2]
    return {"site_name": "Outside-In", "other_language": "fr" if lang == "en" else "en"}
