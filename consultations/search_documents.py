"""What search finds of plans and consultations, and the facets they add (loaded by the
search app). A plan or consultation is named in filters by its original's id, whichever
translation a document comes from, so the facet lists it once, in the reader's language."""

from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from search import facets
from search.documents import Document
from search.sources import original_ids, page_documents, page_id_valid, page_titles, plain_text

from .models import ActionPlanPage, ConsultationPage, OgpValue

facets.register(
    facets.Facet(
        field="plan", parameter="plan", title=_("Action plan"), labels=page_titles, validate=page_id_valid, order=20
    )
)
facets.register(
    facets.Facet(
        field="consultation",
        parameter="consultation",
        title=_("Consultation"),
        labels=page_titles,
        validate=page_id_valid,
        order=30,
    )
)
facets.register(
    facets.Facet(
        field="ogp_values",
        parameter="ogp",
        title=_("OGP value"),
        labels=facets.choices_labeller(lambda: OgpValue.Code.choices),
        order=60,
    )
)


def _plan_created(page: ActionPlanPage) -> datetime:
    """When the plan was first published (the start of its period, before that)."""
    return page.first_published_at or datetime(page.period_start, 1, 1, tzinfo=UTC)


@page_documents(ActionPlanPage)
def plan_documents(pages: list[ActionPlanPage]) -> dict[int, list[Document]]:
    originals = original_ids(pages)
    return {
        page.pk: [
            Document(
                id=f"plan-{page.pk}",
                kind="plan",
                title=page.title,
                text=" ".join(filter(None, [plain_text(page.introduction), page.lead_agency])),
                url=page.url or "",
                language=page.locale.language_code,
                created=_plan_created(page),
                author=page.lead_agency,
                sector="government",
                plan=originals[page.pk],
                plan_title=page.title,
            )
        ]
        for page in pages
    }


@page_documents(ConsultationPage)
def consultation_documents(pages: list[ConsultationPage]) -> dict[int, list[Document]]:
    found = {}
    for page in ConsultationPage.objects.filter(pk__in=[page.pk for page in pages]).prefetch_related(
        "territories", "ogp_values"
    ):
        shared = page.search_facets()
        if shared is None:
            continue
        pk = page.pk
        sections = [
            f"{block.value['heading']}. {plain_text(block.value['body'].source)}"
            for block in page.body
            if block.block_type == "section"
        ]
        found[pk] = [
            Document(
                id=f"consultation-{pk}",
                kind="consultation",
                title=page.title,
                text=" ".join([page.summary, plain_text(page.problem), *sections]),
                url=page.url or "",
                language=page.locale.language_code,
                created=page.first_published_at or page.opens_at,
                author=page.lead_institution,
                sector="government",
                territories=shared["territories"],
                plan=shared["plan"],
                plan_title=shared["plan_title"],
                consultation=shared["consultation"],
                consultation_title=page.title,
                ogp_values=shared["ogp_values"],
            )
        ]
    return found
