"""Amounts in soles, written as they are in Peru: ``S/ 1,234,567`` (whole soles)."""


def soles(amount: int | None) -> str:
    if amount is None:
        return "—"
    return f"S/ {int(amount):,}"
