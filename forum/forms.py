from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.models import Sector, Territory

from .models import ForumCategory
from .services import MODERATION_ACTIONS, TITLE_MAX_LENGTH


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ForumCategory.objects.all(),
        empty_label=None,
        error_messages={"invalid_choice": _("That category does not exist: choose one from the list.")},
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=settings.DISCUSSIONS_MAX_LENGTH,
        help_text=_("Plain text; **bold**, *italics*, lists and links work. Links are shown as links."),
    )
    territories = forms.ModelMultipleChoiceField(
        label=_("Provinces concerned"),
        queryset=Territory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=255, help_text=_("Optional, separated by commas.")
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[(action, action) for action in MODERATION_ACTIONS])
    category = forms.ModelChoiceField(queryset=ForumCategory.objects.all(), required=False)
    reason = forms.CharField(required=False, max_length=1000)


class TopicFilterForm(forms.Form):
    territory = forms.ChoiceField(label=_("Province"), required=False)
    sector = forms.ChoiceField(label=_("Sector of who started it"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [("", _("All")), *Territory.objects.values_list("slug", "name")]
        self.fields["sector"].choices = [("", _("All")), *Sector.choices]

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""
