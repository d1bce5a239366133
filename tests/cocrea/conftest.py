from tests.discussions.conftest import consultation, other, participant  # noqa: F401 (fixtures)
from tests.forum.conftest import categories, forum  # noqa: F401 (fixtures)
