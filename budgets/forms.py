"""The public forms of the participatory budget. They check the shape of what is sent;
the rules (phase, who, limits) are the services'."""

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField

from .models import BudgetProcessPage, Viability
from .services.proposals import MAX_DOCUMENTS, MAX_IMAGES

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked by ``item_field``."""

    def __init__(self, *args, item_field: forms.Field, max_files: int, **kwargs):
        self.item_field, self.max_files = item_field, max_files
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > self.max_files:
            raise forms.ValidationError(_("Up to %(count)d files.") % {"count": self.max_files})
        return [self.item_field.clean(item) for item in files]


class DocumentField(forms.FileField):
    default_validators = [FileExtensionValidator(settings.WAGTAILDOCS_EXTENSIONS)]

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is not None and upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("A document may be 10 MB at most."))
        return upload


def envelope_choices(process: BudgetProcessPage) -> list[tuple[str, str]]:
    return [(envelope.key, envelope.name) for envelope in process.envelope_list]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160, help_text=_("What the project is, in a few words."))
    problem = forms.CharField(
        label=_("Which problem does it solve?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    description = forms.CharField(
        label=_("Describe the project"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What would be built or done, where, and how it helps. Simple formatting: *italics*, **bold**, lists."
        ),
    )
    envelope = forms.ChoiceField(label=_("Province"), help_text=_("Or the whole region, for a region-wide project."))
    district = forms.CharField(label=_("District"), max_length=120, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, empty_label=None)
    beneficiaries = forms.IntegerField(label=_("How many people would benefit?"), min_value=1, max_value=2_000_000)
    beneficiaries_description = forms.CharField(
        label=_("Who they are"),
        max_length=255,
        required=False,
        help_text=_("For example: 120 families of the Huayrapongo hamlet."),
    )
    estimated_cost = forms.IntegerField(
        label=_("Estimated cost (soles)"),
        min_value=1,
        max_value=10**12,
        help_text=_("Your estimate: the technical team will evaluate it."),
    )
    on_behalf_of_organisation = forms.BooleanField(label="", required=False)
    images = MultipleFileField(
        label=_("Photos"),
        item_field=WagtailImageField(),
        max_files=MAX_IMAGES,
        help_text=_("Up to 4 photos of the place (JPEG, PNG, WebP)."),
    )
    documents = MultipleFileField(
        label=_("Documents"),
        item_field=DocumentField(),
        max_files=MAX_DOCUMENTS,
        help_text=_("Up to 3 documents: minutes of the community assembly, sketches, quotes (PDF, 10 MB each)."),
    )

    def __init__(self, *args, process: BudgetProcessPage, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        self.fields["envelope"].choices = envelope_choices(process)
        categories = process.categories.all()
        if not categories.exists():
            categories = type(process.categories.model).objects.all()
        self.fields["category"].queryset = categories
        self.fields["category"].label_from_instance = lambda category: category.label
        if organisation is not None and organisation.verified:
            self.fields["on_behalf_of_organisation"].label = _("I propose it on behalf of %(organisation)s") % {
                "organisation": organisation.name
            }
        else:
            del self.fields["on_behalf_of_organisation"]

    def clean_envelope(self):
        key = self.cleaned_data["envelope"]
        envelope = next((item for item in self.process.envelope_list if item.key == key), None)
        if envelope is None:
            raise forms.ValidationError(_("Choose a province of this edition."))
        return envelope


class ProposalFilterForm(forms.Form):
    provincia = forms.ChoiceField(label=_("Province"), required=False)
    categoria = forms.ChoiceField(label=_("Category"), required=False)
    viabilidad = forms.ChoiceField(label=_("Evaluation"), required=False, choices=[("", _("All")), *Viability.choices])
    orden = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("apoyos", _("Most supported")), ("recientes", _("Newest")), ("costo", _("Cheapest"))],
    )

    def __init__(self, *args, process: BudgetProcessPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provincia"].choices = [("", _("All")), *envelope_choices(process)]
        categories = process.categories.all()
        self.fields["categoria"].choices = [
            ("", _("All")),
            *((category.slug, category.label) for category in categories),
        ]

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""


class BallotChoiceForm(forms.Form):
    """Add a project to the ballot being prepared, or take it out."""

    proposal = forms.IntegerField(min_value=1, max_value=10**17)
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])


class BallotCastForm(forms.Form):
    """What a first web ballot asks for besides the choices: who votes."""

    dni = forms.CharField(
        label=_("DNI number"),
        max_length=12,
        help_text=_("8 digits. It is not stored: see how your DNI is protected, below."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9 ]{8,12}"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("It shows you are old enough to vote; only your age band is kept."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    district = forms.CharField(label=_("District where you live"), max_length=120, required=False)

    def __init__(self, *args, first: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not first:
            for name in list(self.fields):
                del self.fields[name]


class FollowForm(forms.Form):
    following = forms.ChoiceField(choices=[("1", "1"), ("0", "0")])
