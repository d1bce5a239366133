"""Small pieces: video links and times, question fingerprints."""

import pytest

from hearings.services import fingerprint
from hearings.video import format_seconds, parse_seconds, video


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("https://www.youtube.com/watch?v=abcDEF12345", "https://www.youtube-nocookie.com/embed/abcDEF12345"),
        ("https://youtu.be/abcDEF12345", "https://www.youtube-nocookie.com/embed/abcDEF12345"),
        ("https://www.youtube.com/live/abcDEF12345?si=x", "https://www.youtube-nocookie.com/embed/abcDEF12345"),
        ("https://vimeo.com/123456", "https://player.vimeo.com/video/123456"),
        ("https://www.youtube.com/watch?v=<script>", ""),
        ("https://video.example.org/en-vivo", ""),
    ],
)
def test_a_video_link_gives_its_player_only_for_known_hosts(url, embed):
    assert video(url).embed_url == embed


def test_the_recording_links_to_the_minute_of_an_answer():
    assert video("https://www.youtube.com/watch?v=abcDEF12345").at(3725) == (
        "https://www.youtube.com/watch?v=abcDEF12345&t=3725s"
    )
    assert video("https://vimeo.com/123456").at(65) == "https://vimeo.com/123456#t=65s"


@pytest.mark.parametrize(("text", "seconds"), [("1:02:05", 3725), ("62:05", 3725), ("95", 95), ("", None)])
def test_times_in_the_recording_are_read_as_people_write_them(text, seconds):
    assert parse_seconds(text) == seconds
    if seconds is not None:
        assert parse_seconds(format_seconds(seconds)) == seconds


@pytest.mark.parametrize("text", ["1:2:3:4", "una hora", "-5"])
def test_times_that_are_not_times_are_refused(text):
    with pytest.raises(ValueError):
        parse_seconds(text)


def test_the_same_question_written_differently_has_one_fingerprint():
    assert fingerprint("¿Cuándo llega el AGUA a Fila Alta?") == fingerprint("cuando llega el agua a fila alta")
    assert fingerprint("¿Cuándo llega el agua?") != fingerprint("¿Cuándo llega la luz?")
