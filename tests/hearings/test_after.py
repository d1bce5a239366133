"""After the hearing: closing, the written answers by their deadline, the counter of
pending answers, the mail to the asker and the reminders to the staff."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from discussions.errors import Refused
from discussions.models import Channel
from hearings import services, tasks
from hearings.deadlines import working_days_after
from hearings.models import AnswerReminder, HearingPage, HearingQuestion, QuestionState
from tests.hearings.factories import hearing_page

pytestmark = pytest.mark.django_db


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _closed(hearing, moderator) -> HearingPage:
    services.hearing_close(hearing=hearing, moderator=moderator)
    return HearingPage.objects.get(pk=hearing.pk)


def test_closing_sends_the_question_on_air_back_and_ends_the_questions(hearing, participant, moderator, ask):
    question = ask(participant)
    services.question_put_on_air(question=question, moderator=moderator)

    hearing = _closed(hearing, moderator)

    question.refresh_from_db()
    assert question.state == QuestionState.PENDING
    assert hearing.is_over and hearing.discussion_refusal(participant.user) is not None


def test_a_written_answer_is_published_with_its_status_and_the_asker_is_told(
    client, hearing, participant, moderator, government, ask, django_capture_on_commit_callbacks
):
    question = ask(participant)
    hearing = _closed(hearing, moderator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.written_answer_record(question=question, user=government, text="Se contratan en agosto.")

    article = _soup(client.get(hearing.url)).select_one(f"[data-settled] #c{question.contribution_id}")
    assert article["data-state"] == "answered_writing"
    assert "Respondida por escrito" in article.get_text() and "Se contratan en agosto." in article.get_text()
    assert [message.to for message in mail.outbox] == [[participant.user.email]]
    assert "Se contratan en agosto." in mail.outbox[0].body


def test_the_page_counts_the_answers_still_pending_with_their_deadline(
    client, hearing, participant, other, moderator, government, ask
):
    first, second = ask(participant, text="Primera"), ask(other, text="Segunda")
    hearing = _closed(hearing, moderator)
    services.written_answer_record(question=first, user=government, text="Respondida")

    counter = _soup(client.get(hearing.url)).select_one("[data-pending-counter]")

    with translation.override("es"):
        due = date_format(hearing.answers_due, "j M Y")
    assert " ".join(counter.get_text().split()) == f"1 pregunta espera su respuesta escrita (plazo: {due})."
    assert second.contribution.comment == "Segunda"


def test_written_answers_wait_for_the_hearing_to_end(hearing, participant, government, ask):
    question = ask(participant)

    with pytest.raises(Refused):
        services.written_answer_record(question=question, user=government, text="Demasiado pronto")


def test_a_question_answered_in_the_room_gets_no_written_answer_over_it(
    hearing, participant, moderator, government, ask
):
    question = ask(participant)
    services.question_put_on_air(question=question, moderator=moderator)
    services.question_answered_in_room(question=question, moderator=moderator, answer="En la sala")
    _closed(hearing, moderator)

    with pytest.raises(Refused):
        services.written_answer_record(question=question, user=government, text="Otra")


def test_out_of_scope_needs_its_reason(hearing, participant, moderator, ask):
    question = ask(participant)

    with pytest.raises(Refused):
        services.question_out_of_scope(question=question, user=moderator, reason=" ")
    services.question_out_of_scope(question=question, user=moderator, reason="Es competencia municipal.")

    question.refresh_from_db()
    assert (question.state, question.written_answer) == ("out_of_scope", "Es competencia municipal.")


# --- the deadline -----------------------------------------------------------------------------
def test_the_default_deadline_is_15_working_days_without_perus_holidays(hearing_index):
    # Monday 21 July 2025: 23, 28 and 29 July and 6 August are holidays.
    starts = timezone.make_aware(datetime(2025, 7, 21, 9))

    page = hearing_page(hearing_index, starts_at=starts, ends_at=starts + timedelta(hours=4))

    assert page.answers_due == date(2025, 8, 15)


def test_the_editor_sets_another_deadline(hearing):
    hearing.written_answers_due = date(2030, 1, 31)

    assert hearing.answers_due == date(2030, 1, 31)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 4, 14), 5, date(2025, 4, 23)),  # Holy Thursday and Good Friday 2025 skipped
        (date(2025, 12, 5), 3, date(2025, 12, 12)),  # the weekend, then 8 and 9 December
        (date(2026, 1, 2), 1, date(2026, 1, 5)),  # a Friday: the weekend is skipped
    ],
)
def test_working_days_skip_weekends_and_holidays(start, days, expected):
    assert working_days_after(start, days) == expected


# --- reminders ------------------------------------------------------------------------------
def _pending_after_close(hearing, moderator, government, ask, participant):
    question = ask(participant)
    entered = services.question_enter(hearing=hearing, staff=government, channel=Channel.RADIO, text="Por radio")
    hearing = _closed(hearing, moderator)
    return hearing, question, entered


def test_the_responsible_staff_are_reminded_once_a_day_near_the_deadline(
    settings, hearing, participant, moderator, government, editor, ask
):
    hearing, question, _entered = _pending_after_close(hearing, moderator, government, ask, participant)
    services.question_assign(question=question, user=government, responsible=editor)
    hearing.answers_coordinator = government
    hearing.save_revision().publish()
    mail.outbox.clear()
    due = HearingPage.objects.get(pk=hearing.pk).answers_due

    sent = tasks.send_reminders(today=due - timedelta(days=settings.HEARINGS_REMINDER_DAYS))
    again = tasks.send_reminders(today=due - timedelta(days=settings.HEARINGS_REMINDER_DAYS))

    assert (sent, again) == (2, 0)
    by_person = {tuple(message.to): message for message in mail.outbox}
    assert set(by_person) == {(editor.email,), (government.email,)}
    assert "Por radio" not in by_person[(editor.email,)].body and question.text in by_person[(editor.email,)].body
    assert "Por radio" in by_person[(government.email,)].body
    assert AnswerReminder.objects.count() == 2


def test_nobody_is_reminded_long_before_the_deadline_or_once_everything_is_answered(
    hearing, participant, moderator, government, ask
):
    hearing, question, entered = _pending_after_close(hearing, moderator, government, ask, participant)
    hearing.answers_coordinator = government
    hearing.save_revision().publish()
    due = HearingPage.objects.get(pk=hearing.pk).answers_due

    assert tasks.send_reminders(today=due - timedelta(days=10)) == 0
    for pending in (question, entered):
        services.written_answer_record(question=pending, user=government, text="Respondida")
    assert tasks.send_reminders(today=due + timedelta(days=2)) == 0


def test_overdue_answers_are_reminded_as_overdue(hearing, participant, moderator, government, ask):
    hearing, _question, _entered = _pending_after_close(hearing, moderator, government, ask, participant)
    hearing.answers_coordinator = government
    hearing.save_revision().publish()
    due = HearingPage.objects.get(pk=hearing.pk).answers_due
    mail.outbox.clear()

    tasks.send_reminders(today=due + timedelta(days=3))

    assert mail.outbox[0].subject.startswith("Vencidas: 2 respuestas escritas")  # mail goes out in Spanish
    assert "El plazo venció hace 3 días." in mail.outbox[0].body


def test_with_a_worker_the_reminders_are_scheduled_every_morning(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 2, 10, 0)), tick=False):
        assert tasks.schedule_reminders() is True
        assert tasks.schedule_reminders() is False  # once, however many workers start

    scheduled = DBTaskResult.objects.get(task_path="hearings.tasks.remind_written_answers")
    assert timezone.localtime(scheduled.run_after) == timezone.make_aware(datetime(2026, 3, 3, 8, 0))


def test_the_written_answers_screen_lists_what_is_pending_and_publishes_an_answer(
    client, hearing, participant, moderator, government, ask
):
    question = ask(participant)
    _closed(hearing, moderator)
    client.force_login(government)

    listing = client.get(reverse("hearing_answers:index"), {"hearing": hearing.pk})
    response = client.post(
        reverse("hearing_answers:edit", args=[question.pk]),
        {"decision": "answer", "written_answer": "Se publica aquí.", "responsible": ""},
    )

    assert question.text in _soup(listing).get_text()
    assert response.status_code == 302
    question = HearingQuestion.objects.get(pk=question.pk)
    assert (question.state, question.written_answer) == ("answered_writing", "Se publica aquí.")
