import pytest

from .factories import ActionPlanPageFactory, PlanIndexPageFactory


@pytest.fixture
def plan(home_page):
    index = PlanIndexPageFactory(parent=home_page)
    return ActionPlanPageFactory(parent=index)
