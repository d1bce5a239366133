from wagtail import hooks

from .viewsets import consultation_listing_viewset


@hooks.register("register_admin_viewset")
def register_consultation_listing():
    return consultation_listing_viewset
