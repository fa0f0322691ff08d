"""What the browser tests need on the machine, and the commands that install it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NODE_MODULES = REPO / "services" / "web" / "static-src" / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
DESIGN_SYSTEM_CSS = (
    NODE_MODULES
    / "@scottish-government"
    / "design-system"
    / "dist"
    / "css"
    / "design-system.min.css"
)
INSTALL_HINT = (
    "apt-get install -y chromium; .venv/bin/pip install playwright; "
    "npm ci --prefix services/web/static-src"
)


def missing_requirements() -> list[str]:
    """Everything the browser tests lack here; empty when they can run."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Debian's Chromium at {CHROMIUM}")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright Python package")
    if not AXE_SCRIPT.exists():
        missing.append(f"axe-core at {AXE_SCRIPT.relative_to(REPO)}")
    if not DESIGN_SYSTEM_CSS.exists():
        missing.append("@scottish-government/design-system under services/web/static-src")
    return missing


def skip_reason() -> str | None:
    missing = missing_requirements()
    if not missing:
        return None
    return f"browser tests need {', '.join(missing)}; install with: {INSTALL_HINT}"
