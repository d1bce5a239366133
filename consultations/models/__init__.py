"""Action plans and their consultations (draft commitments) as Wagtail pages."""

from .consultation import (
    ConsultationMilestone,
    ConsultationPage,
    ConsultationState,
    assign_section_anchors,
)
from .plans import (
    INLINE_FEATURES,
    ActionPlanPage,
    OgpValue,
    PlanDocument,
    PlanIndexPage,
    PlanMilestone,
)

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
