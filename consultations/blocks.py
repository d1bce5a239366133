from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

NO_SECTIONS = _("A commitment needs at least one section.")


def duplicate_anchors(body) -> dict[int, ValidationError]:
    """For each section whose anchor an earlier section already uses, its index and the error."""
    errors: dict[int, ValidationError] = {}
    seen: dict[str, str] = {}
    for index, block in enumerate(body):
        anchor = block.value.get("anchor") if block.block_type == "section" else None
        if not anchor:
            continue
        if anchor in seen:
            errors[index] = ValidationError(
                _("The anchor “%(anchor)s” is used by the sections “%(first)s” and “%(second)s”."),
                params={"anchor": anchor, "first": seen[anchor], "second": block.value["heading"]},
            )
        else:
            seen[anchor] = block.value["heading"]
    return errors


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

    def clean(self, value):
        value = super().clean(value)
        if not any(block.block_type == "section" for block in value):
            raise StreamBlockValidationError(non_block_errors=[NO_SECTIONS])
        errors = duplicate_anchors(value)
        if errors:
            # Shown on the anchor field of each section that repeats an earlier one.
            raise StreamBlockValidationError(
                block_errors={
                    index: StructBlockValidationError(block_errors={"anchor": error}) for index, error in errors.items()
                }
            )
        return value
