"""Writes to a hearing's registrations: participants register to attend and, separately,
to speak; editors confirm speakers, their order and their time."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.models import Territory
from core.pages import page_visible_to
from discussions.errors import NotAllowed, NotFound, Refused
from discussions.rules import participant_refusal

from . import rules
from .models import HearingPage, Registration, RegistrationKind, SpeakerStatus

NAME_MAX_LENGTH = 120
TOPIC_MAX_LENGTH = 200
MAX_SPEAKING_MINUTES = 60


def registration_refusal(hearing: HearingPage, user, moment=None) -> Refused | None:
    """Why ``user`` may not register for ``hearing`` now, or None."""
    refusal = participant_refusal(user)
    if refusal is not None:
        return refusal
    if (moment or timezone.now()) >= hearing.registration_close:
        return NotAllowed(
            _("Registration closed on %(date)s (Lima time).")
            % {"date": timezone.localtime(hearing.registration_close).strftime("%d/%m/%Y %H:%M")}
        )
    return None


@transaction.atomic
def registration_save(
    *,
    hearing: HearingPage,
    user,
    kind: str,
    name: str,
    organisation: str = "",
    territory: Territory | None = None,
    topic: str = "",
    session=None,
) -> Registration:
    """Register ``user`` (or correct their registration) to attend or to speak."""
    hearing = hearing.original
    if not page_visible_to(hearing, user, session):
        raise NotFound(_("This hearing does not exist."))
    refusal = registration_refusal(hearing, user)
    if refusal is not None:
        raise refusal
    if kind not in RegistrationKind.values:
        raise Refused(_("Choose whether you register to attend or to speak."))
    name, topic = " ".join((name or "").split()), " ".join((topic or "").split())
    organisation = " ".join((organisation or "").split())[:200]
    if not name or len(name) > NAME_MAX_LENGTH:
        raise Refused(
            _("Give your name as it should be read out (at most %(limit)d characters).") % {"limit": NAME_MAX_LENGTH}
        )
    if kind == RegistrationKind.SPEAK and (not topic or len(topic) > TOPIC_MAX_LENGTH):
        raise Refused(_("Say what you will speak about (at most %(limit)d characters).") % {"limit": TOPIC_MAX_LENGTH})
    existing = Registration.objects.select_for_update().filter(hearing=hearing, user=user, kind=kind).first()
    if existing is not None and existing.status == SpeakerStatus.CONFIRMED and kind == RegistrationKind.SPEAK:
        raise Refused(_("You are a confirmed speaker: to change anything, write to the organisers."), status=409)
    if existing is None and kind == RegistrationKind.ATTEND and hearing.attendance_capacity is not None:
        taken = Registration.objects.filter(hearing=hearing, kind=RegistrationKind.ATTEND).count()
        if taken >= hearing.attendance_capacity:
            raise Refused(
                _("There are no places left to attend. You can still follow it online or on the radio."), status=409
            )
    registration = existing or Registration(hearing=hearing, user=user, kind=kind)
    registration.name, registration.organisation, registration.territory = name, organisation, territory
    registration.topic = topic if kind == RegistrationKind.SPEAK else ""
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:  # the same form sent twice at once: one registration
        return Registration.objects.get(hearing=hearing, user=user, kind=kind)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, user) -> None:
    if not (user is not None and user.is_authenticated and registration.user_id == user.pk):
        raise NotAllowed(_("Only the person registered can cancel a registration."))
    registration.delete()


@transaction.atomic
def speaker_review(
    *, registration: Registration, editor, status: str, order: int | None = None, minutes: int | None = None
) -> Registration:
    """Confirm a speaker (or not), with their place in the list and their time."""
    if not rules.can_manage_registrations(editor):
        raise NotAllowed(_("Only the hearing's organisers can confirm speakers."))
    if not registration.is_speaker:
        raise Refused(_("Only speakers are confirmed; attendees need nothing more."))
    if status not in SpeakerStatus.values:
        raise Refused(_("Choose a status."))
    if status == SpeakerStatus.CONFIRMED and (not order or not minutes):
        raise Refused(_("A confirmed speaker needs a place in the list and a time."))
    if minutes is not None and not 0 < minutes <= MAX_SPEAKING_MINUTES:
        raise Refused(_("The time per speaker is between 1 and %(limit)d minutes.") % {"limit": MAX_SPEAKING_MINUTES})
    registration.status, registration.speaking_order, registration.speaking_minutes = status, order, minutes
    registration.reviewed_at, registration.reviewed_by = timezone.now(), editor
    registration.save()
    log(instance=registration, action="hearings.speaker", user=editor, data={"status": status})
    return registration
