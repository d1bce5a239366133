from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class SectionBlock(blocks.StructBlock):
    """One section of a draft commitment; participants can comment on it by its anchor."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=200)
    anchor = blocks.RegexBlock(
        regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        required=False,
        max_length=60,
        label=_("Anchor"),
        help_text=_(
            "Stable address of this section (#anchor). Leave empty and it is made from the heading "
            "when the page is saved; once set it stays, even if the heading changes or sections move, "
            "so comments keep pointing at the right place."
        ),
        error_messages={"invalid": _("Use lower-case letters, digits and hyphens only.")},
    )
    body = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul", "h3", "h4"])

    class Meta:
        icon = "doc-full"
        label = _("Section")
        template = "consultations/blocks/section.html"


class CommitmentStreamBlock(blocks.StreamBlock):
    section = SectionBlock()

    class Meta:
        min_num = 1
        block_counts = {"section": {"min_num": 1}}
