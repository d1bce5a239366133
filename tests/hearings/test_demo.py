import pytest

from discussions.models import Channel
from hearings.models import HearingClosure, HearingPage, HearingQuestion, QuestionState
from tests.site import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_past_hearing_with_minutes_and_an_upcoming_one_open_for_questions():
    seed_demo()
    seed_demo()  # idempotent

    past, upcoming = HearingPage.objects.order_by("starts_at")
    assert HearingPage.objects.count() == 2
    assert past.minutes and past.recording_url and HearingClosure.objects.filter(hearing=past).exists()
    questions = HearingQuestion.objects.filter(hearing=past).select_related("contribution")
    assert {question.contribution.channel for question in questions} >= {
        Channel.WEB,
        Channel.PAPER,
        Channel.RADIO,
        Channel.WHATSAPP,
        Channel.PHONE,
    }
    assert {question.state for question in questions} == {
        QuestionState.ANSWERED_ROOM,
        QuestionState.ANSWERED_WRITING,
        QuestionState.OUT_OF_SCOPE,
        QuestionState.PENDING,
    }
    assert past.commitments.count() == 3
    assert upcoming.status == "upcoming" and upcoming.discussion_refusal(None) is None
    assert HearingQuestion.objects.filter(hearing=upcoming).count() == 3
