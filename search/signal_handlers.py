"""Changes that alter what search may find, queued for indexing (see ``indexing``)."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import indexing
from .documents import key


def page_changed(sender, instance, **kwargs):
    indexing.queue([key("page", instance.pk)])


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        indexing.queue([key("page", instance.pk)])


def restriction_changed(sender, instance, **kwargs):
    indexing.queue([key("page", instance.page_id)])


def register_signal_handlers() -> None:
    page_published.connect(page_changed, dispatch_uid="search-page-published")
    page_unpublished.connect(page_changed, dispatch_uid="search-page-unpublished")
    post_page_move.connect(page_changed, dispatch_uid="search-page-moved")
    post_delete.connect(page_deleted, dispatch_uid="search-page-deleted")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search-restriction-saved")
    post_delete.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search-restriction-deleted")
