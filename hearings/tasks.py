"""Mail after a hearing: the person who asked hears of their written answer, and the staff
who owe written answers are reminded of them, daily, from ``HEARINGS_REMINDER_DAYS``
before the deadline until every answer is published."""

import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task
from wagtail.models import Locale

from core.links import absolute_url
from discussions.models import Status

from .models import AnswerReminder, HearingPage, HearingQuestion, QuestionState

logger = logging.getLogger(__name__)

#: Hearings older than this are not looked at for reminders any more.
REMINDERS_FOR_DAYS = 365
#: The daily reminders go out at this time, Lima.
REMINDER_TIME = time(8, 0)
REMINDERS_SCHEDULED_KEY = "hearings:reminders-scheduled"


def _send(to: list[str], template: str, context: dict) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"hearings/email/{template}_subject.txt", context).split())
        body = render_to_string(f"hearings/email/{template}.txt", context)
    with get_connection() as connection:
        return connection.send_messages([EmailMessage(subject, body, to=to)])


@task()
def notify_asker(*, question_id: int) -> int:
    """Tell the participant who asked that their question has its written answer (or why it has none)."""
    question = HearingQuestion.objects.select_related("contribution__user", "hearing").filter(pk=question_id).first()
    if question is None or not question.contribution.is_visible:
        return 0
    user = question.contribution.user
    if user is None or not user.is_active or not user.email or not question.hearing.is_visible_to(user):
        return 0
    context = {
        "question": question,
        "hearing": question.hearing,
        "url": absolute_url(question.contribution.get_absolute_url()),
    }
    return _send([user.email], "answered", context)


# --- reminders ----------------------------------------------------------------------------------
def _owner_of(question: HearingQuestion, hearing: HearingPage):
    return question.responsible or hearing.answers_coordinator or hearing.owner


def pending_by_person(today: date) -> dict[tuple[int, int], list[HearingQuestion]]:
    """(hearing, person) → the questions they owe an answer to, for hearings whose
    deadline is within the reminder days or past."""
    since = timezone.now() - timedelta(days=REMINDERS_FOR_DAYS)
    hearings = {
        hearing.pk: hearing
        for hearing in HearingPage.objects.live().filter(locale=Locale.get_default(), ends_at__gte=since)
        if hearing.is_over and (hearing.answers_due - today).days <= settings.HEARINGS_REMINDER_DAYS
    }
    pending = (
        HearingQuestion.objects.filter(
            hearing_id__in=hearings,
            state=QuestionState.PENDING,
            contribution__status=Status.PUBLISHED,
            contribution__withdrawn_at__isnull=True,
        )
        .select_related("contribution", "contribution__author_territory", "responsible")
        .order_by("contribution__submit_date")
    )
    found: dict[tuple[int, int], list[HearingQuestion]] = defaultdict(list)
    for question in pending:
        hearing = hearings[question.hearing_id]
        question.hearing = hearing
        person = _owner_of(question, hearing)
        if person is not None:
            found[(hearing.pk, person.pk)].append(question)
    return dict(found)


def send_reminders(today: date | None = None) -> int:
    """One mail a day per person and hearing; sending again the same day sends nothing."""
    today = today or timezone.localdate()
    people = {user.pk: user for user in get_user_model().objects.filter(is_active=True).exclude(email="")}
    sent = 0
    for (_hearing_pk, person_pk), questions in pending_by_person(today).items():
        person = people.get(person_pk)
        if person is None:
            continue
        hearing = questions[0].hearing
        try:
            with transaction.atomic():
                AnswerReminder.objects.create(hearing=hearing, user=person, sent_on=today, questions=len(questions))
        except IntegrityError:
            continue  # already reminded today (another worker, a second run)
        due = hearing.answers_due
        context = {
            "hearing": hearing,
            "questions": questions,
            "due": due,
            "days_left": (due - today).days,
            "days_overdue": max((today - due).days, 0),
            "person": person,
            "answers_url": absolute_url(reverse("hearing_answers:index") + f"?hearing={hearing.pk}"),
        }
        sent += _send([person.email], "reminder", context)
    return sent


@task()
def remind_written_answers() -> int:
    """Send today's reminders, then come back tomorrow morning."""
    cache.delete(REMINDERS_SCHEDULED_KEY)
    sent = send_reminders()
    schedule_reminders()
    return sent


def _next_morning(now: datetime) -> datetime:
    local = timezone.localtime(now)
    moment = timezone.make_aware(datetime.combine(local.date(), REMINDER_TIME))
    return moment if moment > now else moment + timedelta(days=1)


def schedule_reminders() -> bool:
    """With a worker (``TASKS_BACKEND=database``), remind daily at 8:00, Lima; without
    one, the ``remind_written_answers`` command (cron) does it."""
    if not remind_written_answers.get_backend().supports_defer:
        return False
    moment = _next_morning(timezone.now())
    if not cache.add(REMINDERS_SCHEDULED_KEY, moment.isoformat(), int(timedelta(days=1, hours=1).total_seconds())):
        return False
    remind_written_answers.using(run_after=moment).enqueue()
    return True
