"""The 503 page: the site cannot take this request now, says why, and gives back a text.

Shown when the database does not answer (``cocrea.middleware.DatabaseUnavailableMiddleware``)
and when the process is too busy to take another request (``cocrea.admission``). It is
rendered without the database and without the request's context processors, so it can
always be shown. A contribution's text posted with the request is given back to copy.
"""

import json

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

#: Seconds a client is asked to wait before trying again (the Retry-After header).
RETRY_AFTER = {"database": 30, "busy": 5}


def _messages(reason: str, with_text: bool) -> tuple[str, str]:
    if reason == "database":
        title = _("The site cannot reach its database right now")
        if with_text:
            message = _(
                "Your contribution was not saved. Your text is below: copy it and send it again in a few "
                "minutes. If it had been saved after all, it will not appear twice."
            )
        else:
            message = _("Please try again in a few minutes. Nothing you had sent before is lost.")
    else:
        title = _("The site is receiving too many requests right now")
        if with_text:
            message = _("Your contribution was not saved. Your text is below: copy it and send it again in a moment.")
        else:
            message = _("Please try again in a moment.")
    return title, message


def response_parts(*, reason: str, language: str, text: str = "", api: bool = False) -> tuple[bytes, str, dict]:
    """(body, content type, extra headers) of the 503 answer."""
    with translation.override(language):
        title, message = _messages(reason, bool(text))
        headers = {"Retry-After": str(RETRY_AFTER[reason])}
        if api:
            body = json.dumps({"error": f"{title}. {message}", "reason": reason}, ensure_ascii=False)
            return body.encode(), "application/json", headers
        page = render_to_string(
            "503.html",
            {
                "title": title,
                "message": message,
                "text": text,
                "language": language,
                "retry_after": headers["Retry-After"],
            },
        )
    return page.encode(), "text/html; charset=utf-8", headers


def language_of(path: str) -> str:
    """The interface language a path asks for: its /en/ or /es/ prefix, Spanish otherwise."""
    return "en" if path == "/en" or path.startswith("/en/") else "es"
