"""Working days in Peru: the default deadline for a hearing's written answers.

A deadline of *n* working days counts from the working day after the hearing (as Peru's
administrative procedure law, Ley 27444, counts periods in working days), skipping
Saturdays, Sundays and Peru's national public holidays. The holidays are listed here
rather than ignored: the fixed-date ones of Ley 27444's calendar as it stands in 2025
(including those added by Leyes 31541 and 31788) and Holy Thursday and Good Friday,
computed from Easter. Days the executive declares non-working for the public sector
(*días no laborables*) are decreed year by year and not known in advance: the editor
sets the deadline by hand when one falls within it.
"""

from datetime import date, timedelta

#: (month, day) of Peru's fixed-date national holidays.
FIXED_HOLIDAYS = (
    (1, 1),  # Año Nuevo
    (5, 1),  # Día del Trabajo
    (6, 7),  # Batalla de Arica y Día de la Bandera
    (6, 29),  # San Pedro y San Pablo
    (7, 23),  # Día de la Fuerza Aérea del Perú
    (7, 28),  # Fiestas Patrias
    (7, 29),  # Fiestas Patrias
    (8, 6),  # Batalla de Junín
    (8, 30),  # Santa Rosa de Lima
    (10, 8),  # Combate de Angamos
    (11, 1),  # Todos los Santos
    (12, 8),  # Inmaculada Concepción
    (12, 9),  # Batalla de Ayacucho
    (12, 25),  # Navidad
)
DEFAULT_WORKING_DAYS = 15


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def holidays(year: int) -> set[date]:
    sunday = easter(year)
    return {date(year, month, day) for month, day in FIXED_HOLIDAYS} | {
        sunday - timedelta(days=3),  # Jueves Santo
        sunday - timedelta(days=2),  # Viernes Santo
    }


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def working_days_after(start: date, count: int = DEFAULT_WORKING_DAYS) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself does not count)."""
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))
