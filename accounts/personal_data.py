"""What other apps keep about a participant, registered here so that the profile page
and "download my data" include it — without this app importing those apps.

An app registers a :class:`Section` (its ``AppConfig.ready``): a key in the downloaded
JSON with the function that gathers it, and optionally a template for the profile page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    key: str
    #: ``data(user, absolute)``: this app's records about ``user``; ``absolute(url)``
    #: turns a path into a full address.
    data: Callable[[Any, Callable[[str], str]], Any]
    #: Shown on the profile page with ``section`` = ``profile_context(user)``.
    profile_template: str = ""
    profile_context: Callable[[Any], dict] | None = None


@dataclass(frozen=True)
class ProfileSection:
    template: str
    context: dict


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def sections() -> list[Section]:
    return list(_sections.values())


def profile_sections(user) -> list[ProfileSection]:
    return [
        ProfileSection(section.profile_template, section.profile_context(user) if section.profile_context else {})
        for section in _sections.values()
        if section.profile_template
    ]
