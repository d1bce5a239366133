"""axe-core in a Playwright page: inject it, run the WCAG 2.1 A/AA rules, sort what it finds.

axe-core comes from the npm registry (``make axe`` fetches its tarball into ``var/axe/``); without it the tests
that need it are skipped — or fail where browsers are required (CI).
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.browser.conftest import browser_unavailable

AXE_JS = Path(settings.BASE_DIR) / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"[{self.impact}] {self.rule}: {self.help} — {', '.join(self.targets[:5])}"


def require_axe() -> Path:
    if not AXE_JS.exists():
        browser_unavailable(f"{AXE_JS} is missing (run `make axe`)")
    return AXE_JS


async def audit(page) -> list[Violation]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be refused, rightly,
        # by the site's Content-Security-Policy.
        await page.evaluate(require_axe().read_text(encoding="utf-8"))
    result = await page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    return [
        Violation(
            rule=violation["id"],
            impact=violation["impact"] or "unknown",
            help=violation["help"],
            targets=[" ".join(map(str, node["target"])) for node in violation["nodes"]],
        )
        for violation in result["violations"]
    ]


def blocking(violations: list[Violation]) -> list[Violation]:
    return [violation for violation in violations if violation.impact in BLOCKING_IMPACTS]
