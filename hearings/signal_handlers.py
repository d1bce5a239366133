"""What follows a change to a hearing's question: its place in the hearing, the
moderators' console, indexing, and mail to the person who asked.

A question is a contribution: when one is created on a hearing (asked, entered by staff,
imported one by one or in bulk), it becomes a question of the hearing; when it leaves the public (withdrawn,
removed or hidden by moderation) it is no longer on air. Each receiver runs in the
service's transaction; what leaves the process is queued for after the commit.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from discussions.models import Contribution
from discussions.signals import contribution_changed, contributions_imported
from search import indexing
from search.documents import key

from . import console, services, signals, tasks
from .models import HearingPage, HearingQuestion

#: Events after which a question is no longer public.
LEAVING_EVENTS = {"withdrawn", "removed", "hidden"}
#: Moments of the live session that change nothing search keeps (on air is "pending" there).
LIVE_ONLY_ACTIONS = {"on_air", "back_to_queue"}
#: Question changes the person who asked is told of by mail.
ANSWERING_ACTIONS = {"answered_writing", "out_of_scope"}


def _is_hearings(contribution: Contribution) -> bool:
    return contribution.content_type_id == ContentType.objects.get_for_model(HearingPage).pk


def contribution_event(sender, contribution, event, **kwargs):
    if not _is_hearings(contribution):
        return
    if event == "created":
        question = services.question_registered(contribution)
        if question is not None and not contribution.is_public:
            console.announce_held(question)
    elif event in LEAVING_EVENTS:
        services.question_withdrawn(contribution)
    if event in LEAVING_EVENTS | {"anonymised"}:
        # Its answer's document shows the question and who asked it.
        indexing.queue(
            key("hearing_answer", pk)
            for pk in HearingQuestion.objects.filter(contribution=contribution).values_list("pk", flat=True)
        )
    if event in ("removed",) or (event == "created" and contribution.is_public and contribution.moderated_at):
        console.announce_reviewed(contribution)


def questions_imported(sender, host, contributions, **kwargs):
    if isinstance(host, HearingPage):
        services.questions_imported(host, contributions)


def question_changed(sender, question, action, **kwargs):
    if action not in LIVE_ONLY_ACTIONS:
        indexing.queue_changed(question.contribution, question)  # the question's document, and its answer's
    if action in ANSWERING_ACTIONS and question.contribution.user_id:
        pk = question.pk
        transaction.on_commit(lambda: tasks.notify_asker.enqueue(question_id=pk))


def register_signal_handlers() -> None:
    contribution_changed.connect(contribution_event, sender=Contribution, dispatch_uid="hearings-contribution-event")
    contributions_imported.connect(questions_imported, sender=Contribution, dispatch_uid="hearings-imported")
    signals.question_changed.connect(question_changed, sender=HearingQuestion, dispatch_uid="hearings-question-changed")
