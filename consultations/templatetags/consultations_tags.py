from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def state_badge(consultation):
    return format_html('<span class="badge badge--{}">{}</span>', consultation.state, consultation.get_state_display())
