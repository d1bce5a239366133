"""The participant's own pages: register, confirm, log in and out, profile, data, deletion."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView

from . import personal_data, selectors, services, throttle, tokens
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
        if throttle.client_over_limit(self.request, "register"):
            return too_many_requests(self.request)
        if services.email_taken(data["email"]):
            if not throttle.address_over_limit(self.request, "register", data["email"]):
                services.existing_account_notice_send(email=data["email"], site_url=_site_url(self.request))
            return _check_your_mail(self.request, data["email"])
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
        except ValidationError as error:
            if "email" in error.message_dict:  # registered a moment ago, by another request
                return _check_your_mail(self.request, data["email"])
            _add_service_errors(form, error, {"password": "password1"})
            return self.form_invalid(form)
        if not services.confirmation_email_send(user=participant.user, site_url=_site_url(self.request)):
            messages.error(
                self.request,
                _("We could not send the confirmation e-mail just now. Ask for a new link in a while."),
            )
        return _check_your_mail(self.request, data["email"])


def _check_your_mail(request: HttpRequest, email: str) -> HttpResponse:
    """What registering answers, whether the address was new or already had an account."""
    context = {"email": email, "days": tokens.confirmation_max_age().days}
    return render(request, "accounts/register_done.html", context)


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
        email = form.cleaned_data["email"]
        if throttle.client_over_limit(self.request, "confirmation"):
            return too_many_requests(self.request)
        if not throttle.address_over_limit(self.request, "confirmation", email):
            services.confirmation_resend(email=email, site_url=_site_url(self.request))
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


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers once an account or an address has too many failed logins."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


def too_many_requests(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "accounts/too_many_requests.html", status=429)


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
        if throttle.client_over_limit(self.request, "password-reset"):
            return too_many_requests(self.request)
        if throttle.address_over_limit(self.request, "password-reset", form.cleaned_data["email"]):
            return redirect(self.get_success_url())  # the same answer, without another mail
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
        "profile_sections": personal_data.profile_sections(request.user),
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
