"""Writes to consultations that are more than editing a page."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from discussions import live

from .models import ConsultationPage, ConsultationState


def consultation_close(*, page: ConsultationPage, user) -> ConsultationPage:
    """Close an open consultation now: its window ends, and a new revision is published.

    Only someone who may publish the page can close it; the change is in the page history.
    """
    if not page.permissions_for_user(user).can_publish():
        raise PermissionDenied(_("You may not publish this page, so you cannot close it."))
    if page.state != ConsultationState.OPEN:
        raise ValidationError(_("Only an open consultation can be closed."))
    with transaction.atomic():
        page.closes_at = timezone.now()
        revision = page.save_revision(user=user, log_action=True)
        revision.publish(user=user)
        content_type = ContentType.objects.get_for_model(ConsultationPage)
        live.record_event(content_type.pk, page.pk, "discussion.closed")
    return page
