"""The forms participants post. The services hold the rules; these hold the fields."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_comments.forms import CommentSecurityForm

from .models import FlagReason, ReactionKind


class ContributionForm(CommentSecurityForm):
    """A contribution or a reply, signed for its discussion so it cannot be re-aimed.

    django-comments' security hash ties the form to its target and to the time it was
    served; a forged or two-hour-old form fails ``security_errors()``.
    """

    comment = forms.CharField(
        label=_("Your contribution"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=settings.DISCUSSIONS_MAX_LENGTH,
    )
    section = forms.ChoiceField(label=_("It concerns"), required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    follow = forms.BooleanField(label=_("E-mail me when someone replies"), required=False, initial=True)
    official = forms.BooleanField(label=_("Publish as the government's official reply"), required=False)
    # A field people never see: bots fill it in.
    honeypot = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, target, *args, allow_official=False, **kwargs):
        super().__init__(target, *args, **kwargs)
        # Filled in here, in the reader's language: a lazy text formatted at import time
        # would be frozen in whichever language was active then.
        self.fields["comment"].help_text = gettext(
            "Up to %(limit)s characters. You can use *emphasis*, **bold**, lists and links."
        ) % {"limit": f"{settings.DISCUSSIONS_MAX_LENGTH:,}".replace(",", " ")}
        self.fields["section"].choices = [("", _("The whole commitment"))] + [
            (section["anchor"], section["heading"]) for section in target.discussion_sections
        ]
        if not allow_official:
            del self.fields["official"]

    def clean_honeypot(self):
        if self.cleaned_data["honeypot"]:
            raise forms.ValidationError(_("This form was not sent by a person."))
        return ""


class EditForm(forms.Form):
    comment = forms.CharField(
        label=_("Your contribution"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=settings.DISCUSSIONS_MAX_LENGTH,
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=[*ReactionKind.choices, ("none", _("Take back my reaction"))])


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should moderators look at it?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
