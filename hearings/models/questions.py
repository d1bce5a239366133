"""A hearing's questions: contributions to its discussion, with the hearing's own state.

Why contributions, and not models of their own: a question is something a participant
writes in a public space and others read, support, report and search — what
``discussions`` already does, with its rules in one place (who may write, rate limits,
moderation, withdrawal, anonymisation when an account is deleted), its live layer
(events recorded in the transaction, broadcast after commit, caught up after a
reconnection), its search documents, open data, statistics and the profile's "my
contributions". A second model of questions would have repeated all of that and let the
two drift apart. What only a hearing has — the queue's state (pending, on air, answered
in the room or in writing, out of scope), the answer given in the room or the minute of
the recording, the written answer and who owes it — is :class:`HearingQuestion`, one to
one with its contribution. A reaction "support" is a question's support (once per
participant, by the reactions' own constraint); the hearing offers no other reaction
and takes no replies (``discussion_own_forms``): questions come only through
:mod:`hearings.services`, which applies the hearing's own limits and then
``discussions.services.contribution_create``.

Questions received on paper, by phone, radio, WhatsApp or social media are entered by
staff: a contribution with no account behind it (``user`` empty), signed with the name
the asker gave or "Anónimo", its channel recorded. Nobody can claim it, edit it or
withdraw it, and nothing of the staff member's account is copied into it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("question state", "Pending")
    ON_AIR = "on_air", pgettext_lazy("question state", "Being answered now")
    ANSWERED_ROOM = "answered_room", pgettext_lazy("question state", "Answered in the room")
    ANSWERED_WRITING = "answered_writing", pgettext_lazy("question state", "Answered in writing")
    OUT_OF_SCOPE = "out_of_scope", pgettext_lazy("question state", "Out of scope")


#: States in which a question is settled: it has its answer (or the reason it has none).
SETTLED_STATES = (QuestionState.ANSWERED_ROOM, QuestionState.ANSWERED_WRITING, QuestionState.OUT_OF_SCOPE)


class HearingQuestion(models.Model):
    hearing = models.ForeignKey(
        "hearings.HearingPage", verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="questions"
    )
    contribution = models.OneToOneField(
        "discussions.Contribution", on_delete=models.CASCADE, related_name="hearing_question"
    )
    state = models.CharField(_("state"), max_length=20, choices=QuestionState.choices, default=QuestionState.PENDING)
    anonymous = models.BooleanField(_("asked anonymously"), default=False)
    #: The staff member who typed in a question received elsewhere: never its author.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: The text folded for comparison: the same question asked twice is found by it.
    fingerprint = models.CharField(max_length=64, db_index=True, blank=True)
    on_air_at = models.DateTimeField(_("on air at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    room_answer = models.TextField(_("answer given in the room"), blank=True)
    video_seconds = models.PositiveIntegerField(_("where in the recording (seconds)"), null=True, blank=True)
    written_answer = models.TextField(_("written answer"), blank=True)
    written_answered_at = models.DateTimeField(_("written answer published at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible for the written answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hearing_questions_to_answer",
    )

    class Meta:
        verbose_name = _("hearing question")
        verbose_name_plural = _("hearing questions")
        permissions = [
            ("moderate_hearing", "Can run a hearing's live queue and close the hearing"),
            ("enter_question", "Can enter questions received by paper, phone, radio, WhatsApp or social media"),
            ("answer_question", "Can record the written answers to a hearing's questions"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hearing"], condition=Q(state="on_air"), name="hearing_one_question_on_air")
        ]
        indexes = [models.Index(fields=["hearing", "state"])]

    def __str__(self):
        return f"#{self.contribution_id} ({self.state})"

    @property
    def is_settled(self) -> bool:
        return self.state in SETTLED_STATES

    @property
    def channel(self) -> str:
        return self.contribution.channel

    @property
    def text(self) -> str:
        return self.contribution.comment

    @property
    def asker(self) -> str:
        return self.contribution.author_display_name


class HearingClosure(models.Model):
    """A hearing whose live session moderators ended: no more questions; those still
    pending are answered in writing. Kept apart from the page, whose fields change only
    through reviewed revisions."""

    hearing = models.OneToOneField("hearings.HearingPage", on_delete=models.CASCADE, related_name="closure")
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"{self.hearing_id} closed at {self.closed_at:%Y-%m-%d %H:%M}"


class AnswerReminder(models.Model):
    """A reminder mailed about a hearing's pending written answers: one a day per person."""

    hearing = models.ForeignKey("hearings.HearingPage", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    questions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hearing", "user", "sent_on"], name="answer_reminder_once_a_day")
        ]

    def __str__(self):
        return f"{self.hearing_id} → {self.user_id} on {self.sent_on}"
