"""Action plans and their consultations (draft commitments) as Wagtail pages."""

from .consultation import (
    ConsultationMilestone,
    ConsultationPage,
    ConsultationState,
    assign_section_anchors,
)
from .plans import ActionPlanPage, PlanDocument, PlanIndexPage, PlanMilestone
from .vocabulary import INLINE_FEATURES, OgpValue

__all__ = [
    "INLINE_FEATURES",
    "ActionPlanPage",
    "ConsultationMilestone",
    "ConsultationPage",
    "ConsultationState",
    "OgpValue",
    "PlanDocument",
    "PlanIndexPage",
    "PlanMilestone",
    "assign_section_anchors",
]
