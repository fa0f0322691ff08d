"""Each service README's settings name real settings, with the defaults the code has.

Found stale once (a README gave 4 SMTP sessions for two weeks after the default became 8): the
README is where an operator looks, so it is checked against the settings models.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from services.deliverables.settings import DeliverablesSettings
from services.directory.settings import DirectorySettings
from services.gateway.settings import GatewaySettings
from services.notifications.settings import NotificationsSettings
from services.web.settings import WebSettings

ROOT = Path(__file__).resolve().parents[1]
SERVICES: dict[str, type[BaseSettings]] = {
    "deliverables": DeliverablesSettings,
    "directory": DirectorySettings,
    "gateway": GatewaySettings,
    "notifications": NotificationsSettings,
    "web": WebSettings,
}
# `NAME` (default ...), as the prose lists write them, or a table row: | `NAME` | `default` |
_INLINE = re.compile(r"`([A-Z][A-Z0-9_]+)` \(([^();,]+)")
_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]+)`(?: / `([A-Z][A-Z0-9_]+)`)? \| ([^|]+) \|", re.M)


def documented(readme: str) -> dict[str, str | None]:
    """Setting name -> the default the README gives (None where it gives none)."""
    section = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    names: dict[str, str | None] = {
        name: None for name in re.findall(r"`([A-Z][A-Z0-9_]{2,})`", section)
    }
    for name, value in _INLINE.findall(section):
        names[name] = value.strip()
    for first, second, values in _ROW.findall(section):
        parts = [part.strip(" `") for part in values.split(" / ")]
        for name, value in zip([n for n in (first, second) if n], parts, strict=False):
            names[name] = value
    return {name: value for name, value in names.items() if not name.startswith("CJP_")}


def _same(documented_value: str, default: object) -> bool | None:
    """Whether the README's default is the code's; None where the README describes it in words."""
    text = documented_value.strip().strip("`")
    if isinstance(default, bool):
        return text.lower() == str(default).lower() if text.lower() in ("true", "false") else None
    if isinstance(default, int | float) and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text) == float(default)
    if isinstance(default, str) and re.fullmatch(r"[\w:/.+@-]+", text):
        return text == default
    return None


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_readme_names_real_settings_with_their_defaults(service: str) -> None:
    readme = (ROOT / "services" / service / "README.md").read_text(encoding="utf-8")
    fields = SERVICES[service].model_fields
    listed = documented(readme)
    assert listed, "no settings found in the README"
    unknown = sorted(name for name in listed if name.lower() not in fields)
    assert not unknown, f"the README names settings the code does not have: {unknown}"
    wrong = {
        name: (value, fields[name.lower()].default)
        for name, value in listed.items()
        if value is not None and _same(value, fields[name.lower()].default) is False
    }
    assert not wrong, f"README default vs the code's: {wrong}"
