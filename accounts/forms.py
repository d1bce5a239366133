"""Forms for the participant's own pages. They check input; the services do the writing."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Gender, Sector, Territory

from .models import Organisation, Participant
from .services import normalise_email


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, asking for the e-mail: the username is the lower-cased e-mail."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That e-mail and password do not match an account. Check both; the password distinguishes capital letters."
        ),
    }

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data["username"])


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The address you registered with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        if obj.verified:
            return obj.name
        return _("%(name)s (awaiting verification)") % {"name": obj.name}


class ParticipantFieldsForm(forms.Form):
    """What a participant says about themselves, at registration and in their profile."""

    display_name = forms.CharField(
        label=_("Name to show"),
        max_length=80,
        help_text=_("Shown beside your contributions: your name, or how your community knows you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("Choose your sector")), *Sector.choices])
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.all(),
        empty_label=_("Choose your province"),
        help_text=_("The province where you live or work."),
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.verified(),
        required=False,
        empty_label=_("None, or not in the list"),
    )
    new_organisation = forms.CharField(
        label=_("Or request a new organisation"),
        max_length=200,
        required=False,
        help_text=_(
            "If yours is not in the list, write its full name. An operator verifies it before offering it to others."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    gender_consent = forms.BooleanField(
        label=_("I agree that my gender is stored and used, without my name, for participation statistics."),
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("I prefer not to say")), *Gender.choices],
        required=False,
        help_text=_("Stored only if you tick the box above. Untick it at any time and it is deleted."),
    )

    def clean_display_name(self) -> str:
        return " ".join(self.cleaned_data["display_name"].split())

    def clean_new_organisation(self) -> str:
        return " ".join(self.cleaned_data["new_organisation"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation") and cleaned.get("new_organisation"):
            self.add_error(
                "new_organisation", _("Choose an organisation from the list or request a new one, not both.")
            )
        if not cleaned.get("gender_consent"):
            # Without consent there is nothing to keep, whatever was picked.
            cleaned["gender"] = ""
        return cleaned

    @property
    def organisation_name(self) -> str:
        organisation = self.cleaned_data.get("organisation")
        return organisation.name if organisation else self.cleaned_data.get("new_organisation", "")


class RegistrationForm(ParticipantFieldsForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("You log in with it. We write to it only about your account and the discussions you follow."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The same password, to be sure it has no typing mistake."),
    )
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of use and the privacy notice."),
        error_messages={"required": _("To register, accept the terms of use and the privacy notice.")},
    )

    field_order = ["email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, in the language of the request, from the configured validators.
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean_email(self) -> str:
        # An address that already has an account is not refused here: the form would tell
        # anyone who is registered. The owner of the address gets a mail instead.
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are different."))
        elif password1:
            email = cleaned.get("email", "")
            user = get_user_model()(username=email, email=email)
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(ParticipantFieldsForm):
    def __init__(self, *args, participant: Participant, **kwargs):
        initial = {
            "display_name": participant.display_name,
            "sector": participant.sector,
            "territory": participant.territory_id,
            "organisation": participant.organisation_id,
            "gender_consent": participant.gender_consent,
            "gender": participant.gender,
        }
        super().__init__(*args, initial=initial, **kwargs)
        if participant.organisation_id:
            # Their own requested organisation stays selectable while it awaits verification.
            self.fields["organisation"].queryset = Organisation.objects.filter(
                Q(verified=True) | Q(pk=participant.organisation_id)
            )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The address you registered with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        help_text=_("To be sure it is you who asks."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not the password of your account."), code="wrong_password")
        return password
