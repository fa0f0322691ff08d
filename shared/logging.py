"""structlog configuration: console output in a terminal, JSON in production.

Every stdlib logger (uvicorn's, FastStream's, aiokafka's) propagates to the root handler, whose
formatter is structlog's ``ProcessorFormatter``: with ``CJP_LOG_FORMAT=json`` each line any library
writes is one JSON object, carrying the bound ``service`` and ``correlation_id`` and, when a trace
is being recorded, ``trace_id`` and ``span_id``.
"""

from __future__ import annotations

import logging
import sys

import structlog
from opentelemetry import trace
from structlog.typing import EventDict, WrappedLogger

from shared.redaction import redact

# FastStream logs through this logger (passed to the broker) instead of its own coloured handler;
# not under "faststream", whose own logger has a handler and does not propagate.
FASTSTREAM_LOGGER = "cjp.faststream"
_QUIET = ("aiokafka", "kafka", "httpx", "httpcore")


def add_trace_ids(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Put the current OpenTelemetry trace and span ids on the line, when there is a trace."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict


def drop_colour_copies(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """uvicorn adds a copy of its message with terminal colour codes: not wanted in a log store."""
    event_dict.pop("color_message", None)
    return event_dict


_SECRET_KEYS = frozenset(
    {"token", "password", "secret", "authorization", "manage_token", "confirm_token", "cookie"}
)


def redact_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Tokens and passwords out, email addresses masked, in every line (uvicorn's access log and
    rendered exceptions included): values under secret-sounding keys are dropped whole, and
    every other text value is passed through ``shared.redaction.redact``."""
    for key, value in list(event_dict.items()):
        if key.lower() in _SECRET_KEYS:
            event_dict[key] = "[redacted]"
        elif isinstance(value, str):
            event_dict[key] = redact(value)
        elif isinstance(value, list | tuple):
            event_dict[key] = [redact(v) if isinstance(v, str) else v for v in value]
    return event_dict


def configure_logging(service: str, *, log_format: str = "console", level: str = "INFO") -> None:
    """Route stdlib and structlog output through one renderer, tagged with the service name."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    shared_processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_trace_ids,
        drop_colour_copies,
    ]
    structlog.configure(
        processors=[*shared_processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        # ExtraAdder keeps what libraries pass as ``extra=`` (FastStream: topic, message id).
        foreign_pre_chain=[*shared_processors, structlog.stdlib.ExtraAdder()],
        processors=_final_processors(log_format, renderer),
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in _QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", FASTSTREAM_LOGGER):
        library_logger = logging.getLogger(name)
        library_logger.handlers[:] = []  # their own handlers would print plain text
        library_logger.propagate = True
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)


def _final_processors(
    log_format: str, renderer: structlog.types.Processor
) -> list[structlog.types.Processor]:
    processors: list[structlog.types.Processor] = [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta
    ]
    if log_format == "json":
        processors.append(structlog.processors.format_exc_info)
    return [*processors, redact_secrets, renderer]
