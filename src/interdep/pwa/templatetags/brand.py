"""The product's name and public address for templates rendered without the page context
(emails): {% load brand %}{% product_name %}, {% site_url %}."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def product_name() -> str:
    return settings.SITE_NAME


@register.simple_tag
def site_url() -> str:
    return settings.SITE_URL
