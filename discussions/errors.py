"""Why a write to a discussion is refused: a message for the person and an HTTP status."""

from http import HTTPStatus


class Refused(Exception):
    """A write the rules do not allow. Nothing was stored."""

    status = HTTPStatus.BAD_REQUEST

    def __init__(self, message, *, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status


class NotAllowed(Refused):
    status = HTTPStatus.FORBIDDEN


class NotFound(Refused):
    status = HTTPStatus.NOT_FOUND


class TooManyPosts(Refused):
    status = HTTPStatus.TOO_MANY_REQUESTS
