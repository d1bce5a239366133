"""Every write to a participant's account goes through here.

Registration, the ``create_participant`` command, the profile page, the e-mail
confirmation link and account deletion all call these functions, so the rules (who may
register, when gender is kept, what deletion leaves behind) live in one place.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from core.models import Gender, Sector, Territory
from core.roles import SUSPEND_PARTICIPANTS

from . import signals, tokens
from .models import Organisation, Participant

logger = logging.getLogger(__name__)

#: What deleted participants' contributions are signed with.
FORMER_PARTICIPANT = gettext_lazy("Former participant")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def login_username(request, credentials: dict) -> str:
    """What django-axes counts failed logins against: the e-mail as accounts store it
    (the site's form posts ``username``; both login pages ask for the e-mail)."""
    return normalise_email((credentials or {}).get("username") or request.POST.get("username", ""))


def email_taken(email: str) -> bool:
    email = normalise_email(email)
    return get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def _territory_of(value: Territory | str | None) -> Territory | None:
    if value is None or isinstance(value, Territory):
        return value
    try:
        return Territory.objects.lookup(value)
    except Territory.DoesNotExist:
        valid = ", ".join(Territory.objects.values_list("name", flat=True))
        raise ValidationError(
            {
                "territory": _("Unknown territory “%(value)s”. Valid territories: %(valid)s.")
                % {"value": value, "valid": valid}
            }
        ) from None


def _profile_errors(*, display_name: str, sector: str, territory, gender: str) -> dict[str, str]:
    errors = {}
    if not display_name:
        errors["display_name"] = _("Give the name to show beside your contributions.")
    elif len(display_name) > Participant._meta.get_field("display_name").max_length:
        errors["display_name"] = _("The name to show is limited to 80 characters.")
    if sector not in Sector.values:
        errors["sector"] = _("Unknown sector “%(value)s”. Valid sectors: %(valid)s.") % {
            "value": sector,
            "valid": ", ".join(Sector.values),
        }
    if territory is None:
        errors["territory"] = _("Choose a territory.")
    if gender and gender not in Gender.values:
        errors["gender"] = _("Unknown gender “%(value)s”. Valid values: %(valid)s.") % {
            "value": gender,
            "valid": ", ".join(Gender.values),
        }
    return errors


def _organisation_for(
    name: str, *, sector: str, territory: Territory | None, requested_by, verified: bool
) -> Organisation | None:
    """The organisation called ``name`` (case ignored), created if it does not exist yet."""
    name = " ".join((name or "").split())
    if not name:
        return None
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    return Organisation.objects.create(
        name=name, sector=sector, territory=territory, verified=verified, requested_by=requested_by
    )


@transaction.atomic
def participant_create(
    *,
    email: str,
    password: str,
    display_name: str,
    sector: str,
    territory: Territory | str,
    organisation_name: str = "",
    confirmed: bool = False,
    gender: str = "",
    gender_consent: bool = False,
    verify_new_organisation: bool = False,
) -> Participant:
    """Create a user (username = lower-cased e-mail) and their participant profile.

    ``territory`` is a Territory or its name or slug. An organisation that does not
    exist yet is created — unverified, as requested by the new user, unless
    ``verify_new_organisation`` (operators creating accounts). Raises ValidationError,
    keyed by argument name, and stores nothing when anything is wrong.
    """
    email = normalise_email(email)
    display_name = " ".join((display_name or "").split())
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("“%(value)s” is not a valid e-mail address.") % {"value": email}]
    else:
        if email_taken(email):
            errors["email"] = [_("An account with the e-mail %(email)s already exists.") % {"email": email}]
    try:
        territory = _territory_of(territory)
    except ValidationError as error:
        errors.update(error.message_dict)
    profile_errors = _profile_errors(
        display_name=display_name, sector=sector, territory=territory, gender=gender if gender_consent else ""
    )
    errors.update({field: [message] for field, message in profile_errors.items()})
    user = get_user_model()(username=email, email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            {"email": _("An account with the e-mail %(email)s already exists.") % {"email": email}}
        ) from None
    moment = timezone.now()
    return Participant.objects.create(
        user=user,
        display_name=display_name,
        sector=sector,
        territory=territory,
        organisation=_organisation_for(
            organisation_name, sector=sector, territory=territory, requested_by=user, verified=verify_new_organisation
        ),
        gender_consent=gender_consent,
        gender=gender if gender_consent else "",
        terms_accepted_at=moment,
        email_confirmed_at=moment if confirmed else None,
    )


@transaction.atomic
def participant_update(
    *,
    participant: Participant,
    display_name: str,
    sector: str,
    territory: Territory,
    organisation_name: str = "",
    gender: str = "",
    gender_consent: bool = False,
) -> Participant:
    """Change what a participant says about themselves. Withdrawn consent deletes the gender."""
    display_name = " ".join((display_name or "").split())
    gender = gender if gender_consent else ""
    errors = _profile_errors(display_name=display_name, sector=sector, territory=territory, gender=gender)
    if errors:
        raise ValidationError(errors)
    participant.display_name = display_name
    participant.sector = sector
    participant.territory = territory
    participant.organisation = _organisation_for(
        organisation_name, sector=sector, territory=territory, requested_by=participant.user, verified=False
    )
    participant.gender_consent = gender_consent
    participant.gender = gender
    participant.save(update_fields=["display_name", "sector", "territory", "organisation", "gender_consent", "gender"])
    return participant


# --- e-mail confirmation ---------------------------------------------------------------
def confirmation_email_send(*, user, site_url: str) -> bool:
    """Send ``user`` a link confirming their address; False (and logged) if the mail failed.

    The link and the text are in the active language; ``site_url`` is the scheme and
    host the link starts with.
    """
    token = tokens.confirmation_token(user_id=user.pk, email=user.email)
    context = {
        "display_name": user.participant.display_name,
        "link": site_url.rstrip("/") + reverse("accounts:confirm", kwargs={"token": token}),
        "days": settings.ACCOUNTS_CONFIRMATION_DAYS,
    }
    subject = " ".join(render_to_string("accounts/email/confirm_subject.txt", context).split())
    body = render_to_string("accounts/email/confirm.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        logger.exception("Could not send the confirmation e-mail to user %s", user.pk)
        return False
    return True


def confirmation_resend(*, email: str, site_url: str) -> bool:
    """Send a new link if ``email`` belongs to an unconfirmed participant (the view limits
    how often, see ``accounts.throttle``)."""
    participant = (
        Participant.objects.select_related("user")
        .filter(user__username__iexact=normalise_email(email), user__is_active=True, email_confirmed_at__isnull=True)
        .first()
    )
    if participant is None:
        return False
    return confirmation_email_send(user=participant.user, site_url=site_url)


def existing_account_notice_send(*, email: str, site_url: str) -> bool:
    """Someone registered with an address that already has an account: its owner is told
    (with the links to log in and to choose a new password), and the form answers as for
    any registration, so it tells nobody who is registered."""
    email = normalise_email(email)
    site_url = site_url.rstrip("/")
    context = {
        "login": site_url + reverse("accounts:login"),
        "reset": site_url + reverse("accounts:password_reset"),
    }
    subject = " ".join(render_to_string("accounts/email/existing_account_subject.txt", context).split())
    body = render_to_string("accounts/email/existing_account.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except OSError:
        logger.exception("Could not send the existing-account notice")
        return False
    return True


def participant_confirm_email(*, token: str) -> tuple[Participant, bool]:
    """The participant a confirmation link is for, and whether this use confirmed them.

    Raises :class:`accounts.tokens.InvalidConfirmation` (or its subclass
    ``ExpiredConfirmation``) for a link that cannot be trusted.
    """
    user_id, email = tokens.confirmation_read(token)
    participant = (
        Participant.objects.select_related("user")
        .filter(user_id=user_id, user__email__iexact=email, user__is_active=True)
        .first()
    )
    if participant is None:
        raise tokens.InvalidConfirmation
    moment = timezone.now()
    confirmed_now = bool(
        Participant.objects.filter(pk=participant.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=moment)
    )
    participant.refresh_from_db(fields=["email_confirmed_at"])
    return participant, confirmed_now


# --- deletion --------------------------------------------------------------------------
def deletion_refusal(user) -> str | None:
    """Why ``user`` cannot delete their own account here, or None."""
    if user.is_staff or user.is_superuser:
        return _("Accounts with access to the administration are removed by an administrator.")
    return None


@transaction.atomic
def participant_delete(*, user) -> None:
    """Delete ``user``, their profile, reactions, flags and follows.

    Whatever other apps keep of theirs is anonymised by their receivers of
    :data:`accounts.signals.participant_deleting`, in this transaction: contributions
    and topics stay in the public record signed "Former participant", with nothing left
    that points to them.
    """
    refusal = deletion_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    with translation.override(settings.LANGUAGE_CODE):
        former = str(FORMER_PARTICIPANT)
    signals.participant_deleting.send(sender=Participant, user=user, former_name=former)
    Participant.objects.filter(user=user).delete()
    user.delete()


# --- suspension -----------------------------------------------------------------------
@transaction.atomic
def participant_suspend(*, participant: Participant, moderator, reason: str) -> Participant:
    """A moderator suspends a participant, who can then neither post nor edit."""
    if not (moderator.is_authenticated and moderator.has_perm(SUSPEND_PARTICIPANTS)):
        raise PermissionDenied(_("Only moderators can suspend a participant."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the suspension: the participant will read it."))
    participant.suspended_at, participant.suspension_reason = timezone.now(), reason
    participant.save(update_fields=["suspended_at", "suspension_reason"])
    log(instance=participant, action="accounts.suspend", user=moderator, data={"reason": reason})
    return participant
