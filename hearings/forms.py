"""The forms of a hearing's pages. The services hold the rules; these hold the fields."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import Territory

from .models import RegistrationKind
from .video import parse_seconds


def topic_choices(page) -> list[tuple[str, str]]:
    return [("", _("General")), *page.topic_titles.items()]


class QuestionForm(forms.Form):
    # Not required here: the service refuses an empty question with its own words.
    text = forms.CharField(label=_("Your question"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    territory = forms.ModelChoiceField(
        label=_("Your province"), queryset=Territory.objects.all(), required=False, empty_label=_("Not stated")
    )

    def __init__(self, page, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.HEARINGS_QUESTION_MAX_LENGTH
        # The browser stops at the limit; the service refuses longer text that gets through.
        self.fields["text"].widget.attrs["maxlength"] = limit
        self.fields["text"].help_text = gettext(
            "Short and to the point: up to %(limit)s characters. It is published with your name and province."
        ) % {"limit": limit}
        self.fields["topic"].choices = topic_choices(page)
        if len(self.fields["topic"].choices) == 1:
            self.fields["topic"].widget = forms.HiddenInput()


class SupportForm(forms.Form):
    supporting = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")


class RoomAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Short answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was answered, in a few lines."),
    )
    video_time = forms.CharField(
        label=_("Time in the recording"),
        required=False,
        max_length=10,
        help_text=_("Where the answer is in the video, as h:mm:ss (for example 1:05:30)."),
    )

    def clean_video_time(self):
        try:
            return parse_seconds(self.cleaned_data["video_time"])
        except ValueError:
            raise forms.ValidationError(_("Write the time as h:mm:ss, for example 1:05:30.")) from None


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why it is out of scope"), widget=forms.Textarea(attrs={"rows": 3}))


class RegistrationForm(forms.Form):
    kind = forms.ChoiceField(choices=RegistrationKind.choices, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("As it should be read out."))
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    territory = forms.ModelChoiceField(
        label=_("Province"), queryset=Territory.objects.all(), required=False, empty_label=_("Not stated")
    )
    topic = forms.CharField(
        label=_("What you will speak about"),
        max_length=200,
        required=False,
        help_text=_(
            "If you are confirmed, your name, organisation, province and topic are published in the list of speakers."
        ),
    )

    def __init__(self, *args, kind: str = RegistrationKind.ATTEND, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != RegistrationKind.SPEAK:
            del self.fields["topic"]
