"""The moderators' console hears, on its own channel, of questions held for review.

A pre-moderated hearing holds each web question until a moderator approves it: what it
says is not public yet, so it travels only on ``/ws/hearings/<id>/consola/``, which asks
the moderators' permission (``hearings.consumers``). The console is sent the questions
held when it (re)connects and whenever it asks, so a lost message costs nothing; new
ones are announced after the commit that held them, and a reviewed one leaves every
console at once. Everything public — the queue, what is on air — comes from the
hearing's discussion channel, as for any reader.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from discussions import live

from .models import HearingPage, HearingQuestion
from .selectors import held_questions


def group_name(hearing_pk: int) -> str:
    return f"hearing-console.{hearing_pk}"


def _render(question: HearingQuestion) -> str:
    hearing = question.hearing
    context = {"question": question, "hearing": hearing.localized}
    return render_to_string("hearings/includes/held_question.html", context).strip()


def held_message(question: HearingQuestion) -> dict:
    """The held question, rendered in each of the site's languages (the reader's is sent)."""
    rendered = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered[code] = {"html": _render(question)}
    default = rendered.pop(settings.LANGUAGE_CODE)
    return {"type": "question.held", "contribution": question.contribution_id, **default, "languages": rendered}


def held_messages(hearing: HearingPage) -> list[dict]:
    return [held_message(question) for question in held_questions(hearing)]


def _broadcast_held(question_pk: int) -> None:
    question = HearingQuestion.objects.select_related("contribution", "hearing").filter(pk=question_pk).first()
    if question is not None and not question.contribution.is_public and not question.contribution.is_removed:
        live.broadcast(group_name(question.hearing_id), held_message(question))


def announce_held(question: HearingQuestion) -> None:
    pk = question.pk
    transaction.on_commit(lambda: _broadcast_held(pk))


def announce_reviewed(contribution) -> None:
    """A held question approved or removed leaves every console's list."""
    hearing_pk = HearingQuestion.objects.filter(contribution=contribution).values_list("hearing_id", flat=True).first()
    if hearing_pk is None:
        return
    message = {"type": "question.reviewed", "contribution": contribution.pk}
    transaction.on_commit(lambda: live.broadcast(group_name(hearing_pk), message))
