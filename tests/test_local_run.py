"""The pieces of `make run`: process list, supervisor, SMTP sink and its listing, `cjp`."""

from __future__ import annotations

import asyncio
import smtplib
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from deploy import cli
from deploy.local import mailsink
from deploy.local.maildir import read_emails
from deploy.local.processes import Ports, ProcessSpec, build_process_specs, system_environment
from deploy.local.supervisor import ProcessFailedToStart, Supervisor, port_is_open
from tests.e2e.system import free_ports


def test_ports_follow_the_environment_and_wire_every_process_to_each_other(tmp_path: Path) -> None:
    ports = Ports.from_environment(
        {"CJP_BROKER_PORT": "19999", "CJP_GATEWAY_PORT": "18888", "CJP_WEB_PORT": "18080"}
    )
    env = system_environment(ports, tmp_path)

    assert (ports.broker, ports.gateway, ports.deliverables) == (19999, 18888, 8001)
    assert env["CJP_KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:19999"
    assert env["CJP_NOTIFICATIONS_SMTP_PORT"] == str(ports.mailsink)
    assert env["CJP_GATEWAY_DIRECTORY_URL"] == "http://127.0.0.1:8002"
    assert env["CJP_DELIVERABLES_DATABASE_URL"] == f"sqlite:///{tmp_path}/deliverables.db"
    assert env["CJP_MAILSINK_DIR"] == str(tmp_path / "mail")
    assert env["CJP_NOTIFICATIONS_WEB_BASE_URL"] == "http://127.0.0.1:18080"  # emails link there


def test_the_broker_and_mail_sink_start_first_and_the_gateway_after_the_services() -> None:
    specs = build_process_specs(Ports(), {}, python="python")
    stages = {spec.name: spec.stage for spec in specs}

    assert stages["broker"] == stages["mailsink"] < stages["deliverables"]
    assert stages["deliverables"] == stages["directory"] == stages["notifications"]
    assert stages["notifications"] < stages["gateway"]
    assert [spec.health_url for spec in specs if spec.name == "gateway"] == [
        "http://127.0.0.1:8000/health/ready"
    ]
    assert "web" not in stages


def sleeper(name: str, port: int, stage: int, code: str) -> ProcessSpec:
    return ProcessSpec(name, [sys.executable, "-c", code], {}, stage, port)


def test_the_supervisor_waits_for_each_port_and_stops_everything(tmp_path: Path) -> None:
    port = free_ports().broker
    server = (
        "import socket, time; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, "
        f"socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', {port})); s.listen(); time.sleep(60)"
    )
    supervisor = Supervisor([sleeper("server", port, 0, server)], log_dir=tmp_path)
    supervisor.start_all()
    try:
        assert port_is_open(port)
    finally:
        supervisor.stop_all()
    assert supervisor.processes["server"].returncode is not None
    assert not port_is_open(port)


def test_a_process_that_dies_while_starting_is_reported_with_its_output(tmp_path: Path) -> None:
    crash = "import sys; print('cannot open the database'); sys.exit(3)"
    supervisor = Supervisor([sleeper("crasher", free_ports().broker, 0, crash)], log_dir=tmp_path)

    with pytest.raises(ProcessFailedToStart, match=r"exited with 3(.|\n)*cannot open the database"):
        supervisor.start_all()
    supervisor.stop_all()


async def test_the_mail_sink_keeps_every_email_and_lists_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_ports().mailsink
    server = asyncio.create_task(mailsink.serve("127.0.0.1", port, tmp_path))
    deadline = time.monotonic() + 5
    while not port_is_open(port):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    message = EmailMessage()
    message["From"] = "updates@cjp.test"
    message["To"] = "reader@example.org"
    message["Subject"] = "Deliverable 40 is now complete"
    message.set_content("The status changed.")
    await asyncio.to_thread(_send, port, message)
    server.cancel()

    [stored] = read_emails(tmp_path)
    assert stored.recipients == ["reader@example.org"]
    assert mailsink.main(["--list", "--dir", str(tmp_path)]) == 0
    assert "Deliverable 40 is now complete" in capsys.readouterr().out
    assert mailsink.main(["--show", "1", "--dir", str(tmp_path)]) == 0
    assert "The status changed." in capsys.readouterr().out
    assert mailsink.main(["--show", "2", "--dir", str(tmp_path)]) == 1


def _send(port: int, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(message)


def test_cjp_names_its_commands_and_refuses_unknown_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main([]) == 0
    assert "plan ..." in capsys.readouterr().out
    assert cli.main(["launch-rockets"]) == 2
    assert "unknown command" in capsys.readouterr().err
