"""The only module that talks to Kallglot: typed results, one error type, signatures.

Import from here, not from the submodules:

    from sessions_app.kallglot import KallglotError, get_async_client, verify_signature
"""

from __future__ import annotations

from sessions_app.kallglot.async_client import AsyncKallglotClient
from sessions_app.kallglot.client import KallglotClient
from sessions_app.kallglot.clients import (
    get_async_client,
    get_client,
    reset_clients,
    set_client,
)
from sessions_app.kallglot.errors import KallglotError
from sessions_app.kallglot.signatures import signature_header, verify_signature
from sessions_app.kallglot.status import (
    LastError,
    UpstreamStatus,
    reset_upstream_status,
    upstream_status,
)
from sessions_app.kallglot.transport import AudioStream
from sessions_app.kallglot.types import (
    Analysis,
    Recording,
    RecordingPage,
    Session,
    Stream,
    Transcript,
    Turn,
    parse_analysis,
    parse_recording,
    parse_session,
    parse_transcript,
)

__all__ = [
    "Analysis",
    "AsyncKallglotClient",
    "AudioStream",
    "KallglotClient",
    "KallglotError",
    "LastError",
    "Recording",
    "RecordingPage",
    "Session",
    "Stream",
    "Transcript",
    "Turn",
    "UpstreamStatus",
    "get_async_client",
    "get_client",
    "parse_analysis",
    "parse_recording",
    "parse_session",
    "parse_transcript",
    "reset_clients",
    "reset_upstream_status",
    "set_client",
    "signature_header",
    "upstream_status",
    "verify_signature",
]
