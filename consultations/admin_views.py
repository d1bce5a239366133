from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import ConsultationPage
from .services import consultation_close


def close_consultation(request, page_id):
    page = get_object_or_404(ConsultationPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    if request.method == "POST":
        try:
            consultation_close(page=page, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("“%(title)s” is closed. Record a response to each contribution.") % {"title": page.title}
            )
            return redirect(f"{reverse('responses:index')}?target=consultations.consultationpage.{page.pk}")
        return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "consultations/admin/confirm_close.html",
        {"page": page, "page_title": _("Close consultation"), "header_title": page.title},
    )
