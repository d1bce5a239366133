"""Who may read a Wagtail page: one rule for every path that shows or sends its content."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class _Visitor:
    """What Wagtail's view restrictions look at in a request: the user and the session."""

    user: object
    session: dict


def page_visible_to(page, user=None, session=None) -> bool:
    """Live, and every view restriction on it or an ancestor passed by this user.

    A password restriction counts as passed only with the session that entered the
    password: mail, search and other paths without one treat it as closed.
    """
    if page is None or not page.live:
        return False
    restrictions = page.get_view_restrictions()
    if not restrictions:
        return True
    visitor = _Visitor(user=user if user is not None else AnonymousUser(), session=session or {})
    return all(restriction.accept_request(visitor) for restriction in restrictions)
