"""A broadcast or recording link as a player the reader may choose to load.

Nothing from the video's host loads with the page (it would cost mobile data and tell a
third party who reads it): the page shows a link to the video and, for a host named in
``HEARINGS_VIDEO_FRAME_SOURCES``, a button that a small script turns into the player
(``static/js/hearing.js``). Only that page's Content-Security-Policy lets that host into
``frame-src`` (see ``HearingPage.serve``).
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from django.conf import settings

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
FACEBOOK_HOSTS = {"facebook.com", "www.facebook.com", "m.facebook.com", "fb.watch"}
YOUTUBE_ID = re.compile(r"^[\w-]{6,20}$")


@dataclass(frozen=True)
class Video:
    url: str  # the link as the editor gave it
    embed_url: str  # the player's address, or "" when it is only linked to

    @property
    def origin(self) -> str:
        parts = urlsplit(self.embed_url)
        return f"{parts.scheme}://{parts.netloc}" if self.embed_url else ""

    @property
    def embeddable(self) -> bool:
        return bool(self.embed_url) and self.origin in settings.HEARINGS_VIDEO_FRAME_SOURCES

    def at(self, seconds: int | None) -> str:
        """The link to the video at ``seconds`` (YouTube and Vimeo; others from the start)."""
        if not seconds:
            return self.url
        host = urlsplit(self.url).hostname or ""
        if host in YOUTUBE_HOSTS:
            return f"{self.url}{'&' if '?' in self.url else '?'}t={int(seconds)}s"
        if host in VIMEO_HOSTS:
            return f"{self.url.split('#')[0]}#t={int(seconds)}s"
        return self.url


def _youtube_id(parts) -> str:
    host, path = parts.hostname or "", parts.path.strip("/")
    if host == "youtu.be":
        candidate = path.split("/")[0]
    elif path == "watch":
        candidate = parse_qs(parts.query).get("v", [""])[0]
    elif path.split("/")[0] in ("live", "embed", "shorts"):
        candidate = path.split("/")[1] if "/" in path else ""
    else:
        candidate = ""
    return candidate if YOUTUBE_ID.match(candidate) else ""


def video(url: str) -> Video | None:
    """The video a link points to, with its player's address when its host has one."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    embed = ""
    if host in YOUTUBE_HOSTS and (video_id := _youtube_id(parts)):
        embed = f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host in VIMEO_HOSTS and (number := parts.path.strip("/").split("/")[-1]).isdigit():
        embed = f"https://player.vimeo.com/video/{number}"
    elif host in FACEBOOK_HOSTS and parts.scheme == "https":
        embed = f"https://www.facebook.com/plugins/video.php?href={quote(url, safe='')}&show_text=false"
    return Video(url=url, embed_url=embed)


def format_seconds(seconds: int | None) -> str:
    """``3725`` → ``1:02:05``; ``65`` → ``1:05``."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def parse_seconds(text: str) -> int | None:
    """``1:02:05``, ``62:05`` or ``3725`` → seconds; None for blank; ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    parts = text.split(":")
    if len(parts) > 3 or not all(part.isdigit() for part in parts):
        raise ValueError(text)
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds
