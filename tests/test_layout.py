"""Every service has the same rooms (README, "Inside every service: the same rooms")."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("deliverables", "directory", "notifications", "gateway", "web")
FRONT_ENDS = {"gateway", "web"}  # the services own the rules: no domain of their own
WITH_OUTBOX = {"deliverables", "directory", "notifications"}
# The service's face: how it starts, is configured and wired, what it takes, returns, publishes.
ROOT_MODULES = {"__init__", "__main__", "app", "wiring", "settings", "schemas", "schemas_history",
                "events", "errors"}  # fmt: skip
ROOMS = {"domain", "use_cases", "adapters", "entrypoints"}
OTHER_FOLDERS = {"migrations", "templates", "static", "static-src", "tests", "__pycache__"}
# A domain module decides; it does not reach a database, the network or a broker.
IO_MODULES = ("sqlalchemy", "httpx", "aiosmtplib", "aiokafka", "faststream", "fastapi",
              "shared.db", "shared.unit_of_work", "shared.kafka")  # fmt: skip


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_keeps_only_its_face_at_the_root_and_the_rest_in_rooms(service: str) -> None:
    base = ROOT / "services" / service
    modules = {path.stem for path in base.glob("*.py")}
    folders = {path.name for path in base.iterdir() if path.is_dir()}
    assert modules <= ROOT_MODULES, f"put {sorted(modules - ROOT_MODULES)} in a room"
    assert folders <= ROOMS | OTHER_FOLDERS, (
        f"unknown rooms {sorted(folders - ROOMS - OTHER_FOLDERS)}"
    )
    assert {"__main__", "app", "wiring", "settings"} <= modules
    rooms = ROOMS - {"domain"} if service in FRONT_ENDS else ROOMS
    assert rooms <= folders, f"{service} lacks {sorted(rooms - folders)}"


@pytest.mark.parametrize("service", SERVICES)
def test_settings_are_read_through_get_settings(service: str) -> None:
    settings = importlib.import_module(f"services.{service}.settings")
    assert callable(getattr(settings, "get_settings", None))


@pytest.mark.parametrize("service", sorted(WITH_OUTBOX))
def test_the_outbox_relay_is_configured_by_the_same_names(service: str) -> None:
    settings = importlib.import_module(f"services.{service}.settings")
    classes = [value for name, value in vars(settings).items() if name.endswith("Settings")
               and name != "BaseSettings" and hasattr(value, "model_fields")]  # fmt: skip
    fields = {name for cls in classes for name in cls.model_fields}
    assert "relay_lock_key" in fields
    assert {name for name in fields if "relay" in name} <= {"relay_enabled", "relay_lock_key"}


@pytest.mark.parametrize("service", SERVICES)
def test_the_engine_dependency_has_one_name(service: str) -> None:
    for path in (ROOT / "services" / service / "entrypoints").rglob("*.py"):
        defined = {
            node.name
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.FunctionDef)
        }
        assert "engine_of" not in defined, f"{path}: the engine dependency is get_engine"


@pytest.mark.parametrize("service", sorted(set(SERVICES) - FRONT_ENDS))
def test_domain_modules_do_no_io(service: str) -> None:
    for path in (ROOT / "services" / service / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(IO_MODULES), f"{path} imports {name}"
