"""Template filters that show stored codes as people read them."""

from django import template

from outsidein.standards.vocabulary import channel_label

register = template.Library()


@register.filter(name="channel_label")
def channel_label_filter(code: str | None) -> str:
    """{{ result.channel|channel_label }}: "in_person" → "In person" (blank stays blank)."""
    return channel_label(code) if code else ""
