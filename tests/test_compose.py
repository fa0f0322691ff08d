"""docker-compose.yml and deploy/k8s name only services, ports and settings that exist in the code.

There is no Docker engine here, so the files are parsed and checked against the packages and
their pydantic-settings classes (field names, env prefixes, defaults, value types).
"""

from __future__ import annotations

import importlib
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings
from sqlalchemy.engine import make_url

from shared.identity import generate_identity_keys
from shared.secret_policy import PUBLISHED_SECRETS, weakness
from shared.settings import CommonSettings, get_common_settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
K8S_DOCUMENTS = [
    document
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
    for document in yaml.safe_load_all(path.read_text())
]
INFRASTRUCTURE = {"kafka", "postgres", "mailpit"}
APP_SERVICES = sorted(set(COMPOSE["services"]) - INFRASTRUCTURE)
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?[-?]([^}]*))?\}")


@pytest.fixture(autouse=True)
def _forget_cached_common_settings() -> Iterator[None]:
    """Settings built from compose's environment must not outlive the test (a cached production
    CommonSettings with another identity key would refuse every later test's identities)."""
    get_common_settings.cache_clear()
    yield
    get_common_settings.cache_clear()


def settings_class(service: str) -> type[BaseSettings]:
    """The one settings class in services/<name>/settings.py with prefix CJP_<NAME>_."""
    module = importlib.import_module(f"services.{service}.settings")
    prefix = f"CJP_{service.upper()}_"
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseSettings)
        and value.model_config.get("env_prefix") == prefix
    ]
    assert len(found) == 1, f"services/{service}/settings.py has no settings class for {prefix}"
    return found[0]


def env_names(settings: type[BaseSettings]) -> set[str]:
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = {f"{prefix}{name}".upper() for name in settings.model_fields}
    for field in settings.model_fields.values():
        if isinstance(field.validation_alias, AliasChoices):
            names |= {str(c).upper() for c in field.validation_alias.choices if isinstance(c, str)}
    return names


def accepted_names(service: str) -> set[str]:
    return env_names(CommonSettings) | env_names(settings_class(service))


# What an operator would set for a required ${VAR:?...}: a fresh strong value, or a fresh key.
OPERATOR_SECRET = secrets.token_urlsafe(48)
OPERATOR_PRIVATE_KEY, OPERATOR_PUBLIC_KEY = generate_identity_keys()
INTERNAL_SERVICES = ("deliverables", "directory", "notifications")


def resolved(value: object) -> str:
    """A compose value with ${VAR:-default} replaced by its default, ${VAR:?...} by a secret."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if match.group(0).startswith(f"${{{name}:?"):
            if name.endswith("PRIVATE_KEY"):
                return OPERATOR_PRIVATE_KEY
            return OPERATOR_PUBLIC_KEY if name.endswith("PUBLIC_KEY") else OPERATOR_SECRET
        return match.group(2) or "placeholder"

    return INTERPOLATION.sub(replace, str(value))


def compose_env(service: str) -> dict[str, str]:
    return {
        key: resolved(value) for key, value in COMPOSE["services"][service]["environment"].items()
    }


def container_ports(service: str) -> list[int]:
    definition = COMPOSE["services"][service]
    mappings = definition.get("ports", []) + definition.get("expose", [])
    return [int(str(mapping).rsplit(":", 1)[-1]) for mapping in mappings]


def configured_port(service: str, env: dict[str, str]) -> int:
    default = settings_class(service).model_fields["port"].default
    return int(env.get(f"CJP_{service.upper()}_PORT", default))


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_compose_service_is_a_runnable_package_of_the_one_image(service: str) -> None:
    definition = COMPOSE["services"][service]
    assert (ROOT / "services" / service / "__main__.py").is_file()
    assert definition["command"] == ["python", "-m", f"services.{service}"]
    assert definition["build"] == "."


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_compose_port_is_the_port_the_service_listens_on(service: str) -> None:
    env = compose_env(service)
    port = configured_port(service, env)
    assert container_ports(service) == [port]
    assert env[f"CJP_{service.upper()}_HOST"] == "0.0.0.0"
    health = COMPOSE["services"][service].get("healthcheck")
    if health:
        assert f"http://127.0.0.1:{port}/health" in " ".join(health["test"])


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_compose_variable_is_a_setting_and_its_value_parses(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = compose_env(service)
    unknown = sorted(set(env) - accepted_names(service))
    assert not unknown, f"{service} sets variables no settings class reads: {unknown}"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings: Any = settings_class(service)()
    assert settings.port == configured_port(service, env)
    assert CommonSettings().kafka_enable_idempotence is True  # Apache Kafka supports it


def test_the_gateway_calls_each_service_at_its_compose_name_and_port() -> None:
    env = compose_env("gateway")
    for service in ("deliverables", "directory", "notifications"):
        url = urlsplit(env[f"CJP_GATEWAY_{service.upper()}_URL"])
        assert url.hostname == service
        assert url.port == configured_port(service, compose_env(service))


def test_kafka_runs_in_kraft_mode_and_every_service_uses_it() -> None:
    kafka = COMPOSE["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    for service in APP_SERVICES:
        assert compose_env(service)["CJP_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


def test_each_service_database_is_created_by_the_postgres_init_script() -> None:
    mounts = COMPOSE["services"]["postgres"]["volumes"]
    scripts = [ROOT / str(mount).split(":")[0] for mount in mounts if "initdb" in str(mount)]
    assert scripts and all(script.is_file() for script in scripts)
    init_sql = " ".join(script.read_text() for script in scripts)
    for service in APP_SERVICES:
        url = compose_env(service).get(f"CJP_{service.upper()}_DATABASE_URL")
        if url is not None:
            database = make_url(url)
            assert database.host == "postgres"
            assert f"CREATE DATABASE {database.database} OWNER {database.username};" in init_sql


def test_the_notifications_service_sends_mail_to_the_mail_catcher() -> None:
    env = compose_env("notifications")
    assert env["CJP_NOTIFICATIONS_SMTP_HOST"] == "mailpit"
    assert int(env["CJP_NOTIFICATIONS_SMTP_PORT"]) in container_ports("mailpit")


def k8s_deployments() -> list[dict[str, Any]]:
    return [document for document in K8S_DOCUMENTS if document["kind"] == "Deployment"]


@pytest.mark.parametrize("deployment", k8s_deployments(), ids=lambda d: d["metadata"]["name"])
def test_every_kubernetes_deployment_runs_a_service_with_its_own_settings(
    deployment: dict[str, Any],
) -> None:
    service = deployment["metadata"]["name"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", f"services.{service}"]
    assert (ROOT / "services" / service / "__main__.py").is_file()
    [configmap] = [d for d in K8S_DOCUMENTS if d["kind"] == "ConfigMap"]
    names = {item["name"] for item in container["env"]} | set(configmap["data"])
    assert not sorted(names - accepted_names(service))
    values = {item["name"]: item["value"] for item in container["env"] if "value" in item}
    assert container["ports"][0]["containerPort"] == configured_port(service, values)


def test_compose_carries_no_fallback_secret() -> None:
    """Every secret or password is required from the environment: ${VAR:?...}, never a default."""
    text = (ROOT / "docker-compose.yml").read_text()
    for match in INTERPOLATION.finditer(text):
        name = match.group(1)
        if any(word in name for word in ("SECRET", "PASSWORD", "PRIVATE_KEY")):
            assert match.group(0).startswith(f"${{{name}:?"), f"{name} has a fallback value"
    for value in PUBLISHED_SECRETS - {"postgres"}:
        assert value not in text


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_secret_compose_passes_would_be_one_production_accepts(service: str) -> None:
    for key, value in COMPOSE["services"][service]["environment"].items():
        if "SECRET" in key or key.endswith("_KEY"):
            assert str(value).startswith(f"${{{key}:?"), key
        if "SECRET" in key:
            assert weakness(compose_env(service)[key]) is None


@pytest.mark.parametrize("service", INTERNAL_SERVICES)
def test_internal_services_are_not_published_on_the_hosts_public_interfaces(service: str) -> None:
    for mapping in COMPOSE["services"][service].get("ports", []):
        host, _, _ = str(mapping).rpartition(":")
        assert host.startswith("127.0.0.1:"), f"{service} publishes {mapping} on every interface"
