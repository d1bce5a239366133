"""What search finds of public hearings, and the facets they add (loaded by the search app).

- The hearing itself (its page): kind ``hearing``.
- Its questions: contributions, indexed by ``discussions`` with what the hearing shares
  (``HearingPage.search_facets``): kind ``hearing_question``, the hearing, and each
  question's status (``search_contribution_facets``). Province and channel are the
  contribution's own (``territories``, ``channel``).
- Their answers — given in the room, in writing, or the reason a question is out of
  scope — one document each (kind ``hearing_answer``), shown with the question they answer.

Facets: the hearing (by its original's id, so its translations are one value) and the
question's status; province and channel are registered by ``search`` and ``discussions``.
"""

from collections.abc import Iterator

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from discussions.models import Status
from search import facets
from search.documents import Document, Source, key, register, register_kind
from search.sources import original_ids, page_documents, page_id_valid, page_titles, plain_text, public_pages

from .models import SETTLED_STATES, HearingPage, HearingQuestion, QuestionState

CONTEXT_LENGTH = 240

register_kind("hearing", _("Public hearing"))
register_kind("hearing_question", _("Question at a hearing"))
register_kind("hearing_answer", _("Answer at a hearing"))
facets.register(
    facets.Facet(
        field="hearing",
        parameter="hearing",
        title=_("Public hearing"),
        labels=page_titles,
        validate=page_id_valid,
        order=35,
    )
)
facets.register(
    facets.Facet(
        field="question_state",
        parameter="question_status",
        title=_("Question status"),
        labels=facets.choices_labeller(lambda: QuestionState.choices),
        order=75,
    )
)


@page_documents(HearingPage)
def hearing_documents(pages: list[HearingPage]) -> dict[int, list[Document]]:
    originals = original_ids(pages)
    found = {}
    for page in HearingPage.objects.filter(pk__in=[page.pk for page in pages]).prefetch_related("agenda_items"):
        agenda = [item.title for item in page.agenda_items.all()]
        found[page.pk] = [
            Document(
                id=f"hearing-{page.pk}",
                kind="hearing",
                title=page.title,
                text=" ".join(
                    filter(None, [page.summary, page.place_name, page.address, *agenda, plain_text(page.minutes)])
                ),
                url=page.url or "",
                language=page.locale.language_code,
                created=page.first_published_at or page.starts_at,
                sector="government",
                facets={"hearing": [str(originals[page.pk])]},
            )
        ]
    return found


def _answer_text(question: HearingQuestion) -> str:
    if question.state == QuestionState.ANSWERED_ROOM:
        return question.room_answer
    return question.written_answer


@register
class HearingAnswerSource(Source):
    prefix = "hearing_answer"
    model = HearingQuestion

    def documents(self, pks: list[str]) -> dict[str, list[Document]]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        questions = list(
            HearingQuestion.objects.filter(
                pk__in=ids,
                state__in=SETTLED_STATES,
                contribution__status=Status.PUBLISHED,
                contribution__withdrawn_at__isnull=True,
            ).select_related("hearing", "contribution", "contribution__author_territory")
        )
        public = {page.pk for page in public_pages(list({question.hearing for question in questions}))}
        found = {}
        for question in questions:
            text = _answer_text(question).strip()
            if question.hearing_id not in public or not text:
                continue
            hearing, contribution = question.hearing, question.contribution
            territory = contribution.author_territory
            asker = _("Anonymous") if question.anonymous else contribution.author_display_name
            found[str(question.pk)] = [
                Document(
                    id=f"hearing_answer-{question.pk}",
                    kind="hearing_answer",
                    title=hearing.title,
                    text=" ".join(text.split()),
                    url=f"{hearing.url or ''}#{contribution.anchor}",
                    language=hearing.locale.language_code,
                    created=question.written_answered_at or question.answered_at or contribution.submit_date,
                    sector="government",
                    territories=[territory.slug] if territory else [],
                    channel=contribution.channel,
                    section=hearing.topic_titles.get(contribution.section_anchor, ""),
                    context=f"{asker}: {Truncator(' '.join(contribution.comment.split())).chars(CONTEXT_LENGTH)}",
                    facets={"hearing": [str(hearing.pk)], "question_state": [question.state]},
                )
            ]
        return found

    def keys_for_pages(self, page_ids: list[int]) -> list[str]:
        """A hearing's answers carry its title, address and visibility."""
        pks = HearingQuestion.objects.filter(hearing_id__in=page_ids, state__in=SETTLED_STATES)
        return [key(self.prefix, pk) for pk in pks.values_list("pk", flat=True)]

    def all_pks(self) -> Iterator[str]:
        queryset = HearingQuestion.objects.filter(state__in=SETTLED_STATES).values_list("pk", flat=True).order_by("pk")
        return (str(pk) for pk in queryset.iterator(chunk_size=2000))
