"""What a page that carries a discussion adds to its template context."""

from django.utils import timezone

from . import services
from .forms import ContributionForm
from .selectors import ORDERING_LABELS, discussion_for


def discussion_context(target, request) -> dict:
    user = request.user
    discussion = discussion_for(
        target,
        user=user,
        ordering=request.GET.get("orden", ""),
        page_number=request.GET.get("pagina", 1),
        response_filter=request.GET.get("respuesta", ""),
        section=request.GET.get("seccion", ""),
    )
    closed_reason = target.discussion_refusal(timezone.now())
    participant_reason = services.participant_refusal(user)
    form = None
    if closed_reason is None and participant_reason is None:
        initial = {"section": discussion.section}
        form = ContributionForm(target, initial=initial, allow_official=services.is_government(user))
    return {
        "discussion": discussion,
        "discussion_key": {"content_type": str(target._meta), "object_pk": target.pk},
        "orderings": list(ORDERING_LABELS.items()),
        "section_titles": {section["anchor"]: section["heading"] for section in target.discussion_sections},
        "section_counts": discussion.section_counts,
        "contribution_form": form,
        "closed_reason": closed_reason,
        "participant_reason": participant_reason,
        "now": timezone.now(),
    }
