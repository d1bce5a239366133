"""Every write to a hearing's questions and to its live session: one path, one set of rules.

Views, the admin's screens and the demo call these functions. Asking goes through the
hearing's own limits (length, duplicates, the hourly rate), then through
``discussions.services.contribution_create``, which holds the rules every discussion
shares (who may write, the window, the per-minute rate). The live state — which question
is on air, which was answered in the room — changes only here, for moderators; each change
is recorded as a live event of the hearing's discussion in the same transaction, so every
open page (the hearing's, its projection, its text-only view) shows it after the commit.
"""

import hashlib
import re
import zlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.models import Sector, Territory, fold
from core.pages import page_visible_to
from discussions import live
from discussions import rules as discussion_rules
from discussions import services as discussion_services
from discussions.errors import NotAllowed, NotFound, Refused, TooManyPosts
from discussions.models import Channel, Contribution, Status

from . import rules, signals
from .models import HearingClosure, HearingPage, HearingQuestion, QuestionState

#: The channels staff enter questions from (the web's are asked by participants themselves).
STAFF_CHANNELS = (Channel.PAPER, Channel.PHONE, Channel.RADIO, Channel.WHATSAPP, Channel.SOCIAL_MEDIA)
#: How a question without the asker's name is signed (stored text; pages translate it).
ANONYMOUS_NAME = "Anónimo"
ROOM_ANSWER_MAX_LENGTH = 1000
WRITTEN_ANSWER_MAX_LENGTH = 5000
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


class DuplicateQuestion(Refused):
    """The same question is already in the hearing: ``existing`` is it."""

    status = 409

    def __init__(self, message, *, existing: HearingQuestion):
        super().__init__(message)
        self.existing = existing


# --- the question's text ---------------------------------------------------------------------
def fingerprint(text: str) -> str:
    """The text as compared for duplicates: case, accents, punctuation and spacing ignored."""
    folded = " ".join(_PUNCTUATION.sub(" ", fold(text or "")).split())
    return hashlib.blake2b(folded.encode(), digest_size=16).hexdigest()


def clean_question(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(_("Write your question before sending it."))
    limit = settings.HEARINGS_QUESTION_MAX_LENGTH
    if len(text) > limit:
        raise Refused(
            _("Questions are limited to %(limit)d characters, so that many can be answered; this one has %(count)d.")
            % {"limit": limit, "count": len(text)}
        )
    return text


def _check_topic(hearing: HearingPage, topic: str) -> str:
    if topic and topic not in {section["anchor"] for section in hearing.discussion_sections}:
        raise Refused(_("Choose one of the hearing's topics."))
    return topic


def _serialise_hearing(hearing: HearingPage) -> None:
    """One write at a time per hearing (PostgreSQL; SQLite serialises all writes): two
    copies of a question sent at once cannot both pass the duplicate check, and two
    moderators cannot put two questions on air."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"hearing:{hearing.pk}".encode()) - 2**31
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _duplicate(hearing: HearingPage, text: str, user=None) -> HearingQuestion | None:
    """A question with the same text in this hearing that the public can read (or that
    ``user`` asked and awaits moderation)."""
    same = HearingQuestion.objects.filter(
        hearing=hearing, fingerprint=fingerprint(text), contribution__withdrawn_at__isnull=True
    ).select_related("contribution")
    for question in same:
        status = question.contribution.status
        if status == Status.PUBLISHED or (
            status == Status.HELD and user is not None and question.contribution.user_id == user.pk
        ):
            return question
    return None


def _refuse_duplicate(existing: HearingQuestion, user=None) -> None:
    if user is not None and existing.contribution.user_id == user.pk:
        message = _("You have already asked this question: it is in the hearing's list, once.")
    else:
        message = _("This question has already been asked. Support it instead: the most supported come first.")
    raise DuplicateQuestion(message, existing=existing)


def _check_rate(user, moment: datetime) -> None:
    recent = HearingQuestion.objects.filter(
        contribution__user=user, contribution__submit_date__gt=moment - timedelta(hours=1)
    ).count()
    if recent >= settings.HEARINGS_QUESTIONS_PER_HOUR:
        raise TooManyPosts(
            _("You have asked %(count)d questions in the last hour. Support the ones already asked, or wait a while.")
            % {"count": recent}
        )


# --- questions --------------------------------------------------------------------------------
def question_registered(contribution: Contribution) -> HearingQuestion | None:
    """The question a top-level contribution to a hearing is (made when it is created,
    whichever way: asked, entered by staff, imported from a file)."""
    if contribution.level:
        return None
    hearing = HearingPage.objects.filter(pk=contribution.object_pk).first()
    if hearing is None or hearing.original.pk != hearing.pk:
        return None
    question, _created = HearingQuestion.objects.get_or_create(
        contribution=contribution, defaults={"hearing": hearing, "fingerprint": fingerprint(contribution.comment)}
    )
    return question


def questions_imported(hearing: HearingPage, contributions) -> list[HearingQuestion]:
    """The questions a bulk import brought (a spreadsheet of paper cards, an export of
    WhatsApp messages: ``manage.py import_contributions``), in one query."""
    if hearing.original.pk != hearing.pk:
        return []
    return HearingQuestion.objects.bulk_create(
        [
            HearingQuestion(hearing=hearing, contribution=contribution, fingerprint=fingerprint(contribution.comment))
            for contribution in contributions
            if not contribution.level
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def question_ask(
    *,
    hearing: HearingPage,
    author,
    text: str,
    topic: str = "",
    territory: Territory | None = None,
    session=None,
    ip_address: str | None = None,
) -> HearingQuestion:
    """A participant asks on the web, within the question window."""
    hearing = hearing.original
    refusal = discussion_rules.write_refusal(author, hearing, session)
    if refusal is not None:
        raise refusal
    text = clean_question(text)
    topic = _check_topic(hearing, topic)
    moment = timezone.now()
    _serialise_hearing(hearing)
    existing = _duplicate(hearing, text, author)
    if existing is not None:
        _refuse_duplicate(existing, author)
    _check_rate(author, moment)
    contribution = discussion_services.contribution_create(
        target=hearing, author=author, text=text, section_anchor=topic, ip_address=ip_address, session=session
    )
    if territory is not None and territory.pk != contribution.author_territory_id:
        # The province the question comes from, which may not be the one on the profile.
        contribution.author_territory = territory
        contribution.save(update_fields=["author_territory"])
    return question_registered(contribution)


@transaction.atomic
def question_enter(
    *,
    hearing: HearingPage,
    staff,
    channel: str,
    text: str,
    asker_name: str = "",
    territory: Territory | None = None,
    topic: str = "",
    sector: str = "",
    received_at: datetime | None = None,
) -> HearingQuestion:
    """Staff type in a question received on paper, by phone, radio, WhatsApp or social
    media. It has no account behind it: it is signed with the name the asker gave, or
    "Anónimo", and nothing of the staff member is copied into it. Staff may enter
    questions after the window closes (cards collected in the hall): those go to the
    written answers."""
    if not rules.can_enter_questions(staff):
        raise NotAllowed(_("Only the hearing's staff can enter questions received by other channels."))
    hearing = hearing.original
    if not page_visible_to(hearing):
        raise NotFound(_("This hearing is not published."))
    if channel not in STAFF_CHANNELS:
        raise Refused(_("Choose the channel the question came by."))
    if sector and sector not in Sector.values:
        raise Refused(_("Unknown sector."))
    text = clean_question(text)
    topic = _check_topic(hearing, topic)
    _serialise_hearing(hearing)
    existing = _duplicate(hearing, text)
    if existing is not None:
        raise DuplicateQuestion(
            _("This question is already in the list (number %(number)s): it was not entered twice.")
            % {"number": existing.contribution_id},
            existing=existing,
        )
    name = " ".join((asker_name or "").split())[:120]
    contribution = discussion_services.contribution_create(
        target=hearing,
        author=None,
        text=text,
        section_anchor=topic,
        channel=channel,
        author_name=name or ANONYMOUS_NAME,
        author_sector=sector,
        author_territory=territory,
        submitted_at=received_at,
        check_rules=False,
    )
    question = question_registered(contribution)
    question.anonymous, question.entered_by = not name, staff
    question.save(update_fields=["anonymous", "entered_by"])
    log(instance=contribution, action="hearings.enter", user=staff, data={"channel": channel})
    signals.question_changed.send(sender=HearingQuestion, question=question, action="entered")
    return question


@transaction.atomic
def question_support(*, question: HearingQuestion, user, supporting: bool = True, session=None) -> HearingQuestion:
    """Support a question (once: supporting again changes nothing), or take it back."""
    if supporting and question.is_settled:
        raise Refused(_("This question has already been answered."))
    discussion_services.reaction_set(
        contribution=question.contribution, user=user, kind="support" if supporting else None, session=session
    )
    return question


# --- the live session: moderators only ----------------------------------------------------------
def _check_moderator(user) -> None:
    if not rules.can_moderate(user):
        raise NotAllowed(_("Only the hearing's moderators can change what is being answered."))


def _record(question: HearingQuestion, action: str) -> None:
    """Open pages receive the question as it is now (after the commit)."""
    live.record(question.contribution, "contribution.updated")
    signals.question_changed.send(sender=HearingQuestion, question=question, action=action)


def _check_live(question: HearingQuestion) -> None:
    if question.hearing.closed_at is not None:
        raise Refused(_("The hearing is closed: questions left are answered in writing."))
    if not question.contribution.is_visible:
        raise NotFound(_("This question is not available."))


@transaction.atomic
def question_put_on_air(*, question: HearingQuestion, moderator) -> HearingQuestion:
    """“Respondiendo ahora”: the question being answered. The one on air before goes back
    to the queue."""
    _check_moderator(moderator)
    _serialise_hearing(question.hearing)
    question.refresh_from_db()
    _check_live(question)
    if question.state == QuestionState.ON_AIR:
        return question
    if question.state != QuestionState.PENDING:
        raise Refused(_("Only a question waiting in the queue can be put on air."))
    for current in HearingQuestion.objects.filter(hearing=question.hearing, state=QuestionState.ON_AIR):
        current.state, current.on_air_at = QuestionState.PENDING, None
        current.save(update_fields=["state", "on_air_at"])
        _record(current, "back_to_queue")
    question.state, question.on_air_at = QuestionState.ON_AIR, timezone.now()
    try:
        with transaction.atomic():
            question.save(update_fields=["state", "on_air_at"])
    except IntegrityError:  # another moderator, at the same moment (SQLite: no advisory lock)
        raise Refused(
            _("Another question was put on air at the same moment. Reload and try again."), status=409
        ) from None
    log(instance=question.contribution, action="hearings.on_air", user=moderator)
    _record(question, "on_air")
    return question


@transaction.atomic
def question_back_to_queue(*, question: HearingQuestion, moderator) -> HearingQuestion:
    _check_moderator(moderator)
    question.refresh_from_db()
    if question.state != QuestionState.ON_AIR:
        return question
    question.state, question.on_air_at = QuestionState.PENDING, None
    question.save(update_fields=["state", "on_air_at"])
    _record(question, "back_to_queue")
    return question


@transaction.atomic
def question_answered_in_room(
    *, question: HearingQuestion, moderator, answer: str = "", video_seconds: int | None = None
) -> HearingQuestion:
    """The question was answered in the room: a short summary of the answer, or the
    point of the recording where it was given (or both)."""
    _check_moderator(moderator)
    question.refresh_from_db()
    _check_live(question)
    if question.state not in (QuestionState.ON_AIR, QuestionState.PENDING):
        raise Refused(_("This question has already been answered."))
    answer = (answer or "").strip()
    if not answer and video_seconds is None:
        raise Refused(_("Write a short answer, or the time in the recording where it was answered."))
    if len(answer) > ROOM_ANSWER_MAX_LENGTH:
        raise Refused(
            _("A short answer has at most %(limit)d characters; this one has %(count)d.")
            % {"limit": ROOM_ANSWER_MAX_LENGTH, "count": len(answer)}
        )
    question.state, question.answered_at, question.answered_by = QuestionState.ANSWERED_ROOM, timezone.now(), moderator
    question.room_answer, question.video_seconds, question.on_air_at = answer, video_seconds, None
    question.save(update_fields=["state", "answered_at", "answered_by", "room_answer", "video_seconds", "on_air_at"])
    log(instance=question.contribution, action="hearings.answered", user=moderator)
    _record(question, "answered_room")
    return question


@transaction.atomic
def question_out_of_scope(*, question: HearingQuestion, user, reason: str) -> HearingQuestion:
    """Not a question this hearing answers (another level of government, say), with the reason.
    Moderators decide it during the hearing; the staff who answer in writing, after it."""
    if not (rules.can_moderate(user) or rules.can_answer(user)):
        raise NotAllowed(_("Only the hearing's moderators and the staff who answer can do this."))
    question.refresh_from_db()
    if not question.contribution.is_visible:
        raise NotFound(_("This question is not available."))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Say why it is out of scope: the person who asked will read it."))
    question.state, question.written_answer, question.on_air_at = QuestionState.OUT_OF_SCOPE, reason, None
    question.written_answered_at, question.answered_by = timezone.now(), user
    question.save(update_fields=["state", "written_answer", "on_air_at", "written_answered_at", "answered_by"])
    log(instance=question.contribution, action="hearings.out_of_scope", user=user, data={"reason": reason})
    _record(question, "out_of_scope")
    return question


@transaction.atomic
def hearing_close(*, hearing: HearingPage, moderator) -> HearingClosure:
    """End the live session: no more questions; what is pending goes to the written answers."""
    _check_moderator(moderator)
    hearing = hearing.original
    _serialise_hearing(hearing)
    closure, created = HearingClosure.objects.get_or_create(hearing=hearing, defaults={"closed_by": moderator})
    if not created:
        return closure
    for current in HearingQuestion.objects.filter(hearing=hearing, state=QuestionState.ON_AIR):
        current.state, current.on_air_at = QuestionState.PENDING, None
        current.save(update_fields=["state", "on_air_at"])
        _record(current, "back_to_queue")
    content_type = ContentType.objects.get_for_model(HearingPage)
    live.record_event(content_type.pk, hearing.pk, "discussion.closed")
    log(instance=hearing, action="hearings.close", user=moderator)
    return closure


# --- after the hearing: written answers --------------------------------------------------------
def _check_answerer(user) -> None:
    if not rules.can_answer(user):
        raise NotAllowed(_("Only the staff who answer the hearing's questions can do this."))


@transaction.atomic
def written_answer_record(*, question: HearingQuestion, user, text: str) -> HearingQuestion:
    """Publish (or correct) the written answer to a question not answered in the room."""
    _check_answerer(user)
    question.refresh_from_db()
    if not question.hearing.is_over:
        raise Refused(_("Written answers are published once the hearing has ended."))
    if not question.contribution.is_visible:
        raise NotFound(_("This question is not available."))
    if question.state not in (QuestionState.PENDING, QuestionState.ANSWERED_WRITING):
        raise Refused(_("This question was already answered in the room, or set aside as out of scope."))
    text = (text or "").strip()
    if not text:
        raise Refused(_("Write the answer before publishing it."))
    if len(text) > WRITTEN_ANSWER_MAX_LENGTH:
        raise Refused(
            _("A written answer has at most %(limit)d characters; this one has %(count)d.")
            % {"limit": WRITTEN_ANSWER_MAX_LENGTH, "count": len(text)}
        )
    first = question.state == QuestionState.PENDING
    question.state, question.written_answer, question.answered_by = QuestionState.ANSWERED_WRITING, text, user
    if first:
        question.written_answered_at = timezone.now()
    question.save(update_fields=["state", "written_answer", "answered_by", "written_answered_at"])
    log(instance=question.contribution, action="hearings.answered_writing", user=user)
    _record(question, "answered_writing" if first else "answer_edited")
    return question


@transaction.atomic
def question_assign(*, question: HearingQuestion, user, responsible) -> HearingQuestion:
    """Name who owes a written answer (they receive the reminders)."""
    _check_answerer(user)
    if responsible is not None and not rules.can_answer(responsible):
        raise Refused(_("The person responsible must be one of the staff who answer questions."))
    question.responsible = responsible
    question.save(update_fields=["responsible"])
    return question


def question_withdrawn(contribution: Contribution) -> None:
    """A question that left the public (withdrawn, removed or hidden by moderation)
    is no longer on air; its own live event already takes it off every page."""
    HearingQuestion.objects.filter(contribution=contribution, state=QuestionState.ON_AIR).update(
        state=QuestionState.PENDING, on_air_at=None
    )
