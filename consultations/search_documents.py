"""What search finds of plans and consultations, and the facets they add (loaded by the
search app). A plan or consultation is named in filters by its original's id, whichever
translation a document comes from, so the facet lists it once, in the reader's language."""

from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from search import facets
from search.documents import Document
from search.sources import original_ids, page_documents, page_id_valid, page_titles, plain_text, public_pages

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


def _plans_of(pages: list[Page]) -> dict[int, Page]:
    """Each page's plan (its nearest ActionPlanPage ancestor), in one query."""
    paths = {page.pk: page.path for page in pages}
    prefixes = {path[:length] for path in paths.values() for length in range(Page.steplen, len(path), Page.steplen)}
    plans = {plan.path: plan for plan in ActionPlanPage.objects.filter(path__in=prefixes)}
    found = {}
    for pk, path in paths.items():
        for length in range(len(path) - Page.steplen, 0, -Page.steplen):
            if path[:length] in plans:
                found[pk] = plans[path[:length]]
                break
    return found


def consultation_context(pages: list[ConsultationPage]) -> dict[int, dict]:
    """What a public consultation's documents and its contributions' documents share."""
    pages = public_pages(pages)
    plans = _plans_of(pages)
    originals = original_ids([*pages, *plans.values()])
    pages = ConsultationPage.objects.filter(pk__in=[page.pk for page in pages]).prefetch_related(
        "territories", "ogp_values"
    )
    context = {}
    for page in pages:
        plan = plans.get(page.pk)
        context[page.pk] = {
            "page": page,
            "title": page.title,
            "url": page.url or "",
            "language": page.locale.language_code,
            "responder": page.lead_institution,
            "consultation": originals[page.pk],
            "consultation_title": page.title,
            "plan": originals[plan.pk] if plan else None,
            "plan_title": plan.title if plan else "",
            "territories": sorted(territory.slug for territory in page.territories.all()),
            "ogp_values": sorted(value.code for value in page.ogp_values.all()),
            "sections": {section["anchor"]: section["heading"] for section in page.sections},
        }
    return context


@page_documents(ConsultationPage)
def consultation_documents(pages: list[ConsultationPage]) -> dict[int, list[Document]]:
    found = {}
    for pk, shared in consultation_context(pages).items():
        page = shared["page"]
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
