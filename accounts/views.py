"""The participant's own pages: register, confirm, log in and out, profile, data, deletion."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView

from . import selectors, services, tokens
from .forms import (
    DeleteAccountForm,
    EmailAuthenticationForm,
    EmailPasswordResetForm,
    ProfileForm,
    RegistrationForm,
    ResendConfirmationForm,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _home_url() -> str:
    return f"/{get_language()}/"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _add_service_errors(form, error: ValidationError, aliases: dict[str, str]) -> None:
    for field, field_messages in error.message_dict.items():
        name = aliases.get(field, field)
        form.add_error(name if name in form.fields else None, field_messages)


def _confirmation_sent_message(request: HttpRequest, sent: bool, email: str) -> None:
    if sent:
        messages.info(
            request,
            _("We sent a link to %(email)s. Open it within %(days)d days to confirm your address and take part.")
            % {"email": email, "days": tokens.confirmation_max_age().days},
        )
    else:
        messages.error(
            request,
            _("We could not send the confirmation e-mail just now. Ask for a new link from your profile in a while."),
        )


class RegisterView(FormView):
    template_name = "accounts/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_safe_next(self.request), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            participant = services.participant_create(
                email=data["email"],
                password=data["password1"],
                display_name=data["display_name"],
                sector=data["sector"],
                territory=data["territory"],
                organisation_name=form.organisation_name,
                gender=data["gender"],
                gender_consent=data["gender_consent"],
            )
        except ValidationError as error:  # e.g. the same address registered a moment ago
            _add_service_errors(form, error, {"password": "password1"})
            return self.form_invalid(form)
        user = participant.user
        sent = services.confirmation_email_send(user=user, site_url=_site_url(self.request))
        login(self.request, user, backend=MODEL_BACKEND)
        messages.success(
            self.request, _("Welcome, %(name)s. Your account is ready.") % {"name": participant.display_name}
        )
        _confirmation_sent_message(self.request, sent, user.email)
        return redirect(_safe_next(self.request) or reverse("accounts:profile"))


@never_cache
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        participant, confirmed_now = services.participant_confirm_email(token=token)
    except tokens.InvalidConfirmation as error:
        context = {
            "expired": isinstance(error, tokens.ExpiredConfirmation),
            "days": tokens.confirmation_max_age().days,
            "form": ResendConfirmationForm(
                initial={"email": request.user.email} if request.user.is_authenticated else None
            ),
        }
        return render(request, "accounts/confirm_invalid.html", context, status=400)
    if confirmed_now:
        login(request, participant.user, backend=MODEL_BACKEND)
        messages.success(request, _("Your e-mail address is confirmed. You can take part in the consultations now."))
        return redirect("accounts:profile")
    # A used link does not log anyone in again: it may have been forwarded or leaked.
    messages.info(request, _("Your e-mail address was already confirmed."))
    if request.user.is_authenticated and request.user.pk == participant.user_id:
        return redirect("accounts:profile")
    return redirect("accounts:login")


class ConfirmationResendView(FormView):
    template_name = "accounts/confirm_resend.html"
    form_class = ResendConfirmationForm

    def get_initial(self):
        if self.request.user.is_authenticated:
            return {"email": self.request.user.email}
        return {}

    def form_valid(self, form):
        services.confirmation_resend(email=form.cleaned_data["email"], site_url=_site_url(self.request))
        # The same answer whether or not the address has an account: nobody learns who is registered.
        messages.info(
            self.request,
            _(
                "If %(email)s belongs to an account waiting for confirmation, a new link is on its way. "
                "It is valid for %(days)d days. Check your spam folder too."
            )
            % {"email": form.cleaned_data["email"], "days": tokens.confirmation_max_age().days},
        )
        if self.request.user.is_authenticated:
            return redirect("accounts:profile")
        return redirect("accounts:confirm_resend")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        participant = getattr(form.get_user(), "participant", None)
        if participant is not None and not participant.is_confirmed:
            messages.warning(
                self.request,
                _("Confirm your e-mail address before taking part: open the link we sent you, or ask for a new one."),
            )
        return response


class LogoutView(auth_views.LogoutView):
    def get_default_redirect_url(self):
        return _home_url()

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = EmailPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Links point at the host the request came to (checked against ALLOWED_HOSTS),
        # not at the django.contrib.sites placeholder domain.
        self.extra_email_context = {"domain": self.request.get_host()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    participant = getattr(request.user, "participant", None)
    form = None
    if participant is not None:
        form = ProfileForm(request.POST if request.method == "POST" else None, participant=participant)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.participant_update(
                    participant=participant,
                    display_name=data["display_name"],
                    sector=data["sector"],
                    territory=data["territory"],
                    organisation_name=form.organisation_name,
                    gender=data["gender"],
                    gender_consent=data["gender_consent"],
                )
            except ValidationError as error:
                _add_service_errors(form, error, {})
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
    context = {
        "participant": participant,
        "form": form,
        "contributions": selectors.contributions_by(request.user),
        "resend_form": ResendConfirmationForm(initial={"email": request.user.email}),
    }
    return render(request, "accounts/profile.html", context)


@never_cache
@login_required
def my_data(request: HttpRequest) -> JsonResponse:
    data = selectors.participant_data(user=request.user, site_url=_site_url(request))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="cocrea-mis-datos.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    refusal = services.deletion_refusal(request.user)
    form = None if refusal else DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if form is not None and request.method == "POST" and form.is_valid():
        services.participant_delete(user=request.user)
        logout(request)
        messages.success(
            request, _("Your account is deleted. Your contributions remain in the public record, without your name.")
        )
        return redirect(_home_url())
    context = {"form": form, "refusal": refusal, "former_participant": services.FORMER_PARTICIPANT}
    return render(request, "accounts/delete.html", context)
