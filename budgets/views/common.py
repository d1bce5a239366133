"""What every view of the participatory budget shares."""

from django.http import Http404
from django.template.response import TemplateResponse

from discussions.errors import NotFound, Refused

from ..models import BudgetProcessPage


def render(request, page: BudgetProcessPage, template: str, context: dict, status: int = 200) -> TemplateResponse:
    process = page.edition
    context = {"page": page, "self": page, "process": process, "phase": process.phase_info(), **context}
    return TemplateResponse(request, template, context, status=status)


def subpage_url(page: BudgetProcessPage, request, name: str, *args) -> str:
    return page.get_url(request) + page.reverse_subpage(name, args=args)


def not_found_for(refusal: Refused | None) -> None:
    """A refusal that hides the thing asked for is a plain 404, naming nothing."""
    if isinstance(refusal, NotFound):
        raise Http404()
