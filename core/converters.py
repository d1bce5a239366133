"""``<id:pk>`` in URL patterns: a primary key the database can hold.

Django's ``<int:…>`` takes any number of digits, and an id past 2⁶³ reaches the
database, which refuses it with an error (a 500). Ids here are 1 to 18 digits, so
anything longer is simply a path that does not exist (404).
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def register_id_converter() -> None:
    register_converter(IdConverter, "id")
