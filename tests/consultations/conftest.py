from tests.discussions.conftest import consultation, other, participant  # noqa: F401 (fixtures)
