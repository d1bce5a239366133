"""The remembered page routes (cocrea/page_routes.py) are forgotten whenever a page or a
site changes where pages are found."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Locale, Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import page_routes


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        page_routes.forget()


def register_signal_handlers() -> None:
    page_published.connect(page_routes.forget, dispatch_uid="cocrea-routes-published")
    page_unpublished.connect(page_routes.forget, dispatch_uid="cocrea-routes-unpublished")
    post_page_move.connect(page_routes.forget, dispatch_uid="cocrea-routes-moved")
    post_delete.connect(page_deleted, dispatch_uid="cocrea-routes-page-deleted")
    for model in (Site, Locale):
        post_save.connect(page_routes.forget, sender=model, dispatch_uid=f"cocrea-routes-{model.__name__}-saved")
        post_delete.connect(page_routes.forget, sender=model, dispatch_uid=f"cocrea-routes-{model.__name__}-deleted")
