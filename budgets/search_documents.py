"""What search finds of the participatory budget, and the facets it adds (loaded by the
search app).

- An edition (its page): kind ``budget``.
- Its proposals: kind ``budget_proposal``, while public — not hidden, not merged into
  another (the one it was merged into is found instead) — in a public edition.
- Its winning projects, once tracked (follow-up): kind ``budget_project``, with their
  latest updates.
- Comments on proposals: contributions, indexed by ``discussions`` with what the
  proposal shares (``Proposal.search_facets``).

Facets: the category, the edition's phase, the proposal's viability and the project's
status; the province is ``search``'s own (``territories``). The phase is read from the
dates when a document is written: publishing the edition rewrites its documents, each
phase's start does it again with a task worker (``tasks.schedule_phase_reindex``), and
``search_check`` repairs it without one.
"""

from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from discussions.models import Contribution
from search import facets
from search.documents import Document, Source, key, register, register_kind
from search.sources import page_documents, plain_text, public_pages

from .models import BudgetCategory, BudgetProcessPage, Phase, ProjectStatus, Proposal, TrackedProject, Viability

#: Updates of a project whose text its document carries, latest first.
PROJECT_UPDATES_INDEXED = 5

register_kind("budget", _("Participatory budget"))
register_kind("budget_proposal", _("Budget proposal"))
register_kind("budget_project", _("Budget project"))


def category_labels(slugs: list[str]) -> dict[str, str]:
    return {category.slug: category.label for category in BudgetCategory.objects.filter(slug__in=slugs)}


facets.register(
    facets.Facet(
        field="budget_phase",
        parameter="phase",
        title=_("Budget phase"),
        labels=facets.choices_labeller(lambda: Phase.choices),
        order=36,
    )
)
facets.register(
    facets.Facet(
        field="budget_category", parameter="category", title=_("Budget category"), labels=category_labels, order=45
    )
)
facets.register(
    facets.Facet(
        field="viability",
        parameter="viability",
        title=_("Viability"),
        labels=facets.choices_labeller(lambda: Viability.choices),
        order=76,
    )
)
facets.register(
    facets.Facet(
        field="project_status",
        parameter="project_status",
        title=_("Project status"),
        labels=facets.choices_labeller(lambda: ProjectStatus.choices),
        order=77,
    )
)


@page_documents(BudgetProcessPage)
def edition_documents(pages: list[BudgetProcessPage]) -> dict[int, list[Document]]:
    found = {}
    for page in BudgetProcessPage.objects.filter(pk__in=[page.pk for page in pages]).prefetch_related("categories"):
        categories = [category.label for category in page.categories.all()]
        found[page.pk] = [
            Document(
                id=f"budget-{page.pk}",
                kind="budget",
                title=page.title,
                text=" ".join(filter(None, [plain_text(page.intro), *categories])),
                url=page.url or "",
                language=page.locale.language_code,
                created=page.first_published_at or page.proposals_open_at,
                sector="government",
                facets={"budget_phase": [page.phase]},
            )
        ]
    return found


def _public_editions(processes) -> set[int]:
    return {page.pk for page in public_pages(list(processes))}


@register
class ProposalSource(Source):
    prefix = "budget_proposal"
    model = Proposal

    def documents(self, pks: list[str]) -> dict[str, list[Document]]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        proposals = list(
            Proposal.objects.filter(pk__in=ids, hidden=False, merged_into__isnull=True).select_related(
                "process", "process__locale", "category", "territory"
            )
        )
        public = _public_editions({proposal.process for proposal in proposals})
        found = {}
        for proposal in proposals:
            if proposal.process_id not in public:
                continue
            text = [
                proposal.problem,
                plain_text(proposal.description_html) or proposal.description,
                proposal.district,
                proposal.category.label,
                proposal.evaluation_reason,
            ]
            found[str(proposal.pk)] = [
                Document(
                    id=f"budget_proposal-{proposal.pk}",
                    kind="budget_proposal",
                    title=proposal.title,
                    text=" ".join(" ".join(filter(None, text)).split()),
                    url=proposal.url,
                    language=proposal.process.locale.language_code,
                    created=proposal.created_at,
                    author=proposal.author_display_name,
                    sector=proposal.author_sector,
                    organisation=proposal.author_organisation,
                    territories=[proposal.territory.slug] if proposal.territory_id else [],
                    facets=proposal.search_facet_values(),
                )
            ]
        return found

    def dependents(self, pks: list[str]) -> list[str]:
        """Comments on a proposal carry its title, facets and visibility."""
        content_type = ContentType.objects.get_for_model(Proposal)
        comments = Contribution.norel_objects.filter(content_type=content_type, object_pk__in=pks)
        return [key("contribution", pk) for pk in comments.values_list("pk", flat=True)]

    def keys_for_pages(self, page_ids: list[int]) -> list[str]:
        queryset = Proposal.objects.filter(process_id__in=page_ids).values_list("pk", flat=True)
        return [key(self.prefix, pk) for pk in queryset]

    def all_pks(self) -> Iterator[str]:
        queryset = Proposal.objects.filter(hidden=False, merged_into__isnull=True).values_list("pk", flat=True)
        return (str(pk) for pk in queryset.order_by("pk").iterator(chunk_size=2000))


@register
class ProjectSource(Source):
    prefix = "budget_project"
    model = TrackedProject

    def documents(self, pks: list[str]) -> dict[str, list[Document]]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        projects = list(
            TrackedProject.objects.filter(pk__in=ids, proposal__hidden=False)
            .select_related("process", "process__locale", "proposal", "proposal__category", "territory")
            .prefetch_related("updates")
        )
        public = _public_editions({project.process for project in projects})
        found = {}
        for project in projects:
            if project.process_id not in public:
                continue
            proposal = project.proposal
            updates = [update.text for update in list(project.updates.all())[:PROJECT_UPDATES_INDEXED]]
            text = [proposal.problem, plain_text(proposal.description_html) or proposal.description, *updates]
            found[str(project.pk)] = [
                Document(
                    id=f"budget_project-{project.pk}",
                    kind="budget_project",
                    title=project.title,
                    text=" ".join(" ".join(filter(None, text)).split()),
                    url=project.url,
                    language=project.process.locale.language_code,
                    created=project.created_at,
                    author=project.process.title,
                    sector="government",
                    territories=[project.territory.slug] if project.territory_id else [],
                    facets={
                        "budget_category": [proposal.category.slug],
                        "budget_phase": [project.process.phase],
                        "project_status": [project.status],
                    },
                )
            ]
        return found

    def keys_for_pages(self, page_ids: list[int]) -> list[str]:
        queryset = TrackedProject.objects.filter(process_id__in=page_ids).values_list("pk", flat=True)
        return [key(self.prefix, pk) for pk in queryset]

    def all_pks(self) -> Iterator[str]:
        queryset = TrackedProject.objects.filter(proposal__hidden=False).values_list("pk", flat=True)
        return (str(pk) for pk in queryset.order_by("pk").iterator(chunk_size=2000))
