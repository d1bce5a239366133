from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from discussions import rules

from . import admin_views
from .admin_panels import ClosingSoonPanel
from .models import ConsultationPage, ConsultationState
from .viewsets import consultation_listing_viewset


@hooks.register("register_admin_viewset")
def register_consultation_listing():
    return consultation_listing_viewset


@hooks.register("register_admin_urls")
def register_close_consultation_url():
    return [path("consultations/<id:page_id>/close/", admin_views.close_consultation, name="consultations_close")]


@hooks.register("register_page_header_buttons")
def close_consultation_button(page, user, view_name, next_url=None):
    specific = page.specific_deferred
    if (
        isinstance(specific, ConsultationPage)
        and specific.live
        and specific.state == ConsultationState.OPEN
        and page.permissions_for_user(user).can_publish()
    ):
        yield Button(
            _("Close consultation now"),
            reverse("consultations_close", args=[page.pk]),
            icon_name="lock",
            priority=58,
        )


@hooks.register("construct_homepage_panels")
def show_consultations_closing_soon(request, panels):
    """For the staff who respond to contributions: what closes this week."""
    if rules.can_respond(request.user):
        panels.append(ClosingSoonPanel())
