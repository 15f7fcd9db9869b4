"""The app's own record of calls: sessions, their numbered events, and webhook deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Upper
from django.utils import timezone

from sessions_app import end_reasons, phone

# A call not ended after this long was ended by Kallglot's idle timeout long ago: it no
# longer counts as open, whatever its row still says.
OPEN_WINDOW = timedelta(hours=12)
# A create whose row is reserved but still has no Kallglot id after this long died on its
# way (its worker crashed): its reservation no longer counts.
RESERVATION_WINDOW = timedelta(minutes=2)


class Route(models.Model):
    """A telephony route of the centre: how a call's customer reaches Kallglot (or none).

    Kallglot resolves the carrier from the `routing` a create sends; each kind sends exactly
    one routing method (`routing()`), never a top-level `provider`.
    """

    class Kind(models.TextChoices):
        MANAGED_NUMBER = "managed_number", "Kallglot-managed number"
        CONNECTION = "connection", "External connection (own Twilio or Telnyx)"
        SIP = "sip", "SIP from a PBX"
        BROWSER = "browser", "Browser only (no phone line)"

    class Direction(models.TextChoices):
        INBOUND = "inbound", "Inbound"
        OUTBOUND = "outbound", "Outbound"

    label = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.BROWSER)
    phone_number = models.CharField(
        max_length=20,
        blank=True,
        help_text="Kallglot-managed numbers: the number, E.164. External connections: the"
        " centre's own number: an inbound route answers it (its calls come to the queue), an"
        " outbound line calls customers from it.",
    )
    connection_id = models.CharField(
        max_length=64, blank=True, help_text="External connections: the pcon_… id."
    )
    sip_from_uri = models.CharField(
        "SIP From URI", max_length=200, blank=True, help_text="SIP: the PBX's From, if known."
    )
    direction = models.CharField(max_length=8, choices=Direction, default=Direction.INBOUND)
    customer_language = models.CharField(max_length=8, blank=True)
    agent_language = models.CharField(max_length=8, blank=True)
    is_active = models.BooleanField("active", default=True)
    is_default = models.BooleanField("default", default=False)

    class Meta:
        ordering = ["-is_default", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_route"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        from sessions_app.routes import clean_route

        clean_route(self)

    def validate_constraints(self, exclude: set[str] | None = None) -> None:
        # A form may make a second default: saving it takes over from the old one
        # (routes.save_route), so only the database checks that there is one.
        super().validate_constraints(exclude={*(exclude or ()), "is_default"})

    def routing(self) -> dict | None:
        """The `routing` of a create on this route; None for browser-only calls."""
        if self.kind == self.Kind.MANAGED_NUMBER:
            return {"phone_number": self.phone_number}
        if self.kind == self.Kind.CONNECTION:
            return {"connection_id": self.connection_id, "direction": self.direction}
        if self.kind == self.Kind.SIP:
            sip = {"from_uri": self.sip_from_uri} if self.sip_from_uri else {}
            return {"type": "sip", "sip": sip} if sip else {"type": "sip"}
        return None


class Queue(models.Model):
    """Where an inbound route's calls wait for an agent who speaks the route's agent language.

    A call is offered to one available agent at a time (the one available longest first) for
    `ring_seconds`; nobody has accepted it after `timeout_seconds`: it ends, missed.
    """

    route = models.OneToOneField(Route, on_delete=models.CASCADE, related_name="queue")
    ring_seconds = models.PositiveSmallIntegerField(
        "ring each agent for (s)", default=20, validators=[MinValueValidator(5)]
    )
    timeout_seconds = models.PositiveIntegerField(
        "give up after (s)", default=180, validators=[MinValueValidator(10)]
    )
    greeting = models.CharField(
        max_length=300,
        blank=True,
        help_text="Said to the caller, in the customer's language, before the call waits.",
    )

    def __str__(self) -> str:
        return f"Queue of {self.route}"


class Disposition(models.Model):
    """What a call was about, as an agent files it at wrap-up ("Billing question")."""

    label = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField("offered", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class CustomerLeg(models.TextChoices):
    NONE = "", "No phone leg"
    RINGING = "ringing", "Ringing"
    CONNECTED = "connected", "Connected"
    HUNG_UP = "hung_up", "Hung up"


# The columns a search looks a value up in (CallSessionQuerySet.matching), each indexed.
SEARCHED = ("crm_call_id", "crm_customer_id", "crm_ticket_id", "customer_number")


def reference(key: str) -> models.GeneratedField:
    """A column holding `metadata[key]` in capitals (NULL when the call has none)."""
    return models.GeneratedField(
        expression=Upper(KT(f"metadata__{key}")),
        output_field=models.CharField(max_length=500, null=True),
        db_persist=True,
    )


def naming(text: str) -> Q:
    """The calls `text` names, whole: their Kallglot id, a CRM reference (external call,
    customer or ticket id, in any case) or, typed as people type it, the customer's phone
    number. Each is an equality on an index, so a search reads only the calls it finds."""
    wanted = Upper(Value(text))
    found = (
        Q(kallglot_id=text)
        | Q(crm_call_id=wanted)
        | Q(crm_customer_id=wanted)
        | Q(crm_ticket_id=wanted)
    )
    if number := phone.as_typed(text):
        found |= Q(customer_number=number)
    return found


class CallSessionQuerySet(models.QuerySet):
    def open(self) -> CallSessionQuerySet:
        """Calls that count against an agent's open-calls limit, creates in flight included."""
        now = timezone.now()
        live = self.filter(created_at__gte=now - OPEN_WINDOW).exclude(
            status=CallSession.Status.ENDED
        )
        return live.exclude(kallglot_id=None, created_at__lt=now - RESERVATION_WINDOW)

    def matching(self, text: str) -> CallSessionQuerySet:
        """The calls `text` names (`naming`)."""
        return self.filter(naming(text))

    def known(self) -> CallSessionQuerySet:
        """Calls Kallglot has answered for: every row but the reservations of creates in flight."""
        return self.exclude(kallglot_id=None)


class CallSession(models.Model):
    """One Kallglot session started from the console; the app's source of truth about it."""

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        ACTIVE = "active", "Live"
        ENDED = "ended", "Ended"

    class Mode(models.TextChoices):
        BIDIRECTIONAL = "bidirectional_translation", "Bidirectional translation"
        ASSISTIVE = "assistive_translation", "Assistive translation"
        AI_AGENT = "ai_agent", "AI agent"
        HELP_CHAT_VOICE = "help_chat_voice", "Voice help desk"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # NULL while the create is in flight: the row is reserved before Kallglot is asked, so
    # the per-agent limits count it (services.session_reserve). NULL, not "", because many
    # reservations may be in flight at once and the column is unique.
    kallglot_id = models.CharField(  # noqa: DJ001
        "Kallglot id", max_length=64, unique=True, null=True
    )
    # None while an inbound call waits in its queue: the agent who accepts it becomes its agent.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="call_sessions",
        db_index=False,  # "agent_created" below leads with the agent
    )
    mode = models.CharField(max_length=32, choices=Mode)
    source_language = models.CharField(max_length=8, blank=True)
    target_language = models.CharField(max_length=8, blank=True)
    # The languages Kallglot heard, for a side left to "Detect automatically" (the chosen
    # ones above stay as asked: a repeated Start compares them).
    detected_source_language = models.CharField(max_length=16, blank=True)
    detected_target_language = models.CharField(max_length=16, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    route = models.ForeignKey(
        Route, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    # What Kallglot resolved the route to: the carrier and the number it used, if any.
    provider = models.CharField(max_length=16, blank=True)
    phone_number = models.CharField(max_length=20, blank=True)
    # The customer's phone leg, as Kallglot's provider events report it.
    customer_status = models.CharField(
        max_length=16, choices=CustomerLeg, blank=True, default=CustomerLeg.NONE
    )
    customer_changed_at = models.DateTimeField(null=True, blank=True)
    # The customer's phone number, E.164 ("+4930123456"), once calls reach customers by phone.
    customer_number = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.CREATED, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    end_reason = models.CharField(max_length=64, blank=True)
    upstream_request_id = models.CharField(max_length=128, blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    last_event_seq = models.PositiveIntegerField(default=0)
    transcript_status = models.CharField(max_length=16, blank=True)
    transcript_fetched_at = models.DateTimeField(null=True, blank=True)
    # Set when its customer's data was erased (sessions_app.privacy): nothing personal that
    # arrives later for this call is stored.
    erased_at = models.DateTimeField(null=True, blank=True)
    # The agent's wrap-up after the call: what it was about, and a note.
    disposition = models.ForeignKey(
        "Disposition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    wrap_up_note = models.TextField(blank=True)
    wrapped_up_at = models.DateTimeField(null=True, blank=True)
    # When the console page that held the live call went away with no other to take it over:
    # the call ends CALL_PAGE_GRACE seconds later unless a page takes it back (holds.py).
    pages_left_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The CRM references people search calls by, out of `metadata` into indexed columns (in
    # capitals: a search ignores case). The database writes them with every write of
    # `metadata`, so every way a call is made fills them, and erasing `metadata` empties them.
    crm_call_id = reference("external_call_id")
    crm_customer_id = reference("customer_id")
    crm_ticket_id = reference("ticket_id")

    objects = CallSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("supervise_sessions", "Can see and act on every agent's sessions")]
        # An agent's calls by time: each create counts the agent's recent calls, and History
        # lists them newest first; neither may read an agent's whole history.
        # And what a search names (`matching`): plain indexes, each searched for one value.
        indexes = [
            models.Index(fields=["agent", "created_at"], name="agent_created"),
            *(models.Index(fields=[name], name=f"call_{name}") for name in SEARCHED),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="one_session_per_agent_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kallglot_id or 'being created'} ({self.get_status_display()})"

    ORDER = {Status.CREATED: 0, Status.ACTIVE: 1, Status.ENDED: 2}
    # transcript_status of a call whose transcript was removed after its retention period.
    TRANSCRIPT_PURGED = "purged"

    @property
    def line(self) -> str:
        """The call's telephony in words: "Berlin line · +49 30 901820 · Twilio"."""
        number = phone.display(self.phone_number) if self.phone_number else ""
        carrier = {"sip": "SIP"}.get(self.provider, self.provider.title())
        parts = (self.route.label if self.route else "", number, carrier)
        return " · ".join(part for part in parts if part) or "Browser only"

    @property
    def languages(self) -> str:
        """ "en → es", with "(detected)" when Kallglot told either; "auto" while unknown."""
        source = self.source_language or self.detected_source_language or "auto"
        target = self.target_language or self.detected_target_language or "auto"
        detected = (self.detected_source_language and not self.source_language) or (
            self.detected_target_language and not self.target_language
        )
        return f"{source} → {target}" + (" (detected)" if detected else "")

    def learn_languages(self, source: str, target: str) -> list[str]:
        """Note the languages Kallglot heard for the sides left to detection; returns the
        fields that changed (none once both are known)."""
        changed = []
        for field, chosen, heard in (
            ("detected_source_language", self.source_language, source[:16]),
            ("detected_target_language", self.target_language, target[:16]),
        ):
            if heard and not chosen and not getattr(self, field):
                setattr(self, field, heard)
                changed.append(field)
        return changed

    @property
    def agent_name(self) -> str:
        """Who took the call; an inbound call nobody accepted has no agent."""
        return self.agent.get_username() if self.agent_id else ""

    @property
    def end_reason_words(self) -> str:
        """Why the call ended, in words (sessions_app.end_reasons)."""
        return end_reasons.words(self.end_reason)

    @property
    def reservation_expired(self) -> bool:
        """Reserved for a create that never came back (its worker died on the way)."""
        return self.kallglot_id is None and self.created_at < timezone.now() - RESERVATION_WINDOW

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def transcript_removed(self) -> bool:
        """Purged or erased: the app never fetches or stores this call's transcript again."""
        return self.transcript_status == self.TRANSCRIPT_PURGED or self.erased_at is not None

    def advance_to(self, status: str) -> bool:
        """Move the status forward; an older status never undoes a newer one."""
        if self.ORDER[status] <= self.ORDER[self.status]:
            return False
        self.status = status
        return True

    def mark_started(self, at: datetime | None) -> bool:
        if at and not self.started_at:
            self.started_at = at
        return self.advance_to(self.Status.ACTIVE)

    def mark_ended(
        self, at: datetime | None, duration: float | None = None, reason: str = ""
    ) -> bool:
        self.ended_at = self.ended_at or at or timezone.now()
        if duration is not None:
            self.duration_seconds = duration
        elif self.duration_seconds is None and self.started_at:
            self.duration_seconds = (self.ended_at - self.started_at).total_seconds()
        self.end_reason = self.end_reason or reason
        return self.advance_to(self.Status.ENDED)

    def next_seq(self) -> int:
        """Allocate the next event number; the UPDATE locks the row until the caller commits."""
        calls = CallSession.objects.filter(pk=self.pk)
        calls.update(last_event_seq=F("last_event_seq") + 1)
        self.last_event_seq = calls.values_list("last_event_seq", flat=True).get()
        return self.last_event_seq


class WebhookEvent(models.Model):
    """One Kallglot webhook event, stored raw before it is applied (dedupe on `event_id`)."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", "Received, not applied yet"
        APPLIED = "applied", "Applied"
        IGNORED = "ignored", "Stored, nothing to apply"
        FAILED = "failed", "Failed"

    event_id = models.CharField(max_length=128, unique=True)
    event_type = models.CharField(max_length=64, db_index=True)
    kallglot_session_id = models.CharField(max_length=64, blank=True, db_index=True)
    session = models.ForeignKey(
        CallSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_events",
    )
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    event_created_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=1)
    outcome = models.CharField(
        max_length=16, choices=Outcome, default=Outcome.RECEIVED, db_index=True
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"

    @property
    def is_done(self) -> bool:
        return self.outcome in (self.Outcome.APPLIED, self.Outcome.IGNORED)


class SessionEvent(models.Model):
    """The numbered per-session stream (1, 2, 3…) that pages consume and resume from."""

    # What the console's and a call's page call each kind; the console's timeline shows
    # only these.
    LABELS = {
        "session.created": "Created",
        "session.started": "Live",
        "session.ended": "Ended",
        "transcript.ready": "Transcript ready",
        "recording.ready": "Recording ready",
        "recording.failed": "Recording failed",
        "analysis.requested": "Analysis requested",
        "analysis.complete": "Analysis ready",
        "analysis.failed": "Analysis failed",
        "action.refresh": "Re-read from Kallglot",
        "session.provider.connected": "Customer connected",
        "session.provider.disconnected": "Customer hung up",
        # A customer the agent dialled (dialing.py); each event names its words in data.label.
        "call.dialling": "Dialling",
        "call.ringing": "Ringing",
        "call.answered": "Answered",
        "call.busy": "Busy",
        "call.no_answer": "No answer",
        "call.failed": "Not put through",
        "call.canceled": "Cancelled",
        "call.completed": "Phone call ended",
    }

    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    webhook_event = models.ForeignKey(
        WebhookEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["session", "seq"]
        constraints = [models.UniqueConstraint(fields=["session", "seq"], name="one_event_per_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"

    @property
    def label(self) -> str:
        """The event in words: its own (provider events name the number) or its kind's."""
        return self.data.get("label") or self.LABELS.get(self.kind, self.kind)


class TranscriptTurn(models.Model):
    """One turn of a call's transcript, kept so history outlives upstream retention."""

    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="turns")
    sequence = models.PositiveIntegerField()
    speaker = models.CharField(max_length=32)
    language = models.CharField(max_length=8, blank=True)
    text = models.TextField()
    translation_language = models.CharField(max_length=8, blank=True)
    translation_text = models.TextField(blank=True)
    spoken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sequence"], name="one_turn_per_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.speaker}: {self.text[:40]}"


class Recording(models.Model):
    """A call recording's metadata; the audio itself is streamed from Kallglot on demand."""

    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kallglot_id = models.CharField("Kallglot id", max_length=64, unique=True)
    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="recordings")
    status = models.CharField(max_length=16, choices=Status, default=Status.PROCESSING)
    channel = models.CharField(max_length=16, blank=True)
    format = models.CharField(max_length=16, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sample_rate = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "created_at"]

    def __str__(self) -> str:
        return f"{self.kallglot_id} ({self.get_status_display()})"


class Analysis(models.Model):
    """A post-call analysis requested from Kallglot, and its result once complete."""

    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    # NULL while the request is in flight: reserved first, so the spending caps count it.
    kallglot_id = models.CharField(  # noqa: DJ001
        "Kallglot id", max_length=64, unique=True, null=True
    )
    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="analyses")
    status = models.CharField(max_length=16, choices=Status, default=Status.PROCESSING)
    profile = models.CharField(max_length=64, default="default")
    include = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    sentiment = models.JSONField(null=True, blank=True)
    compliance = models.JSONField(null=True, blank=True)
    performance = models.JSONField(null=True, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "-created_at"]
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"{self.kallglot_id} ({self.get_status_display()})"


class ErasureRecord(models.Model):
    """The audit entry of one erasure: who asked, when, for which customer and how much was
    removed. The customer's number and CRM id are kept only as keyed hashes (blank when the
    erasure did not name them): enough to answer "was this customer erased?", not to say who."""

    number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    customer_id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    erased_at = models.DateTimeField(default=timezone.now)
    calls = models.PositiveIntegerField(default=0)
    removed = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = "erasure"

    def __str__(self) -> str:
        return f"Erasure {self.pk}"

    @property
    def named_by(self) -> str:
        names = [("phone number", self.number_hash), ("CRM customer id", self.customer_id_hash)]
        return " and ".join(name for name, value in names if value)


class EmbedNonce(models.Model):
    """A signed-link nonce already used: each link signs in once."""

    nonce = models.CharField(max_length=128, unique=True)
    used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce


class AgentProfile(models.Model):
    """An agent as the queues see them: the languages they speak and their state.

    Agents choose Available or Away; the app puts them On a call when they accept one and in
    Wrap-up when it ends. `state_since` orders the offers: the one available longest first.
    """

    class State(models.TextChoices):
        AVAILABLE = "available", "Available"
        AWAY = "away", "Away"
        ON_CALL = "on_call", "On a call"
        WRAP_UP = "wrap_up", "Wrap-up"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="agent_profile",
    )
    # Language codes, comma-separated ("de,en"); the admin's form offers the console's list.
    languages = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=16, choices=State, default=State.AWAY, db_index=True)
    state_since = models.DateTimeField(default=timezone.now)
    # The call in wrap-up, while the state is Wrap-up.
    wrapping_up = models.ForeignKey(
        CallSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the agent's last page went away (None: never had one, or has one open now).
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "agent"

    def __str__(self) -> str:
        return self.user.get_username()

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class AgentPage(models.Model):
    """One open console socket of an agent: while one is fresh, the agent is present.

    `page_id` names the console page (a tab) across its socket's reconnects; `call` is the live
    call that page streams, if any (holds.py).
    """

    channel_name = models.CharField(max_length=200, unique=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)
    page_id = models.CharField(max_length=64, blank=True)
    call = models.ForeignKey(
        CallSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="holders"
    )

    def __str__(self) -> str:
        return self.channel_name


class QueuedCall(models.Model):
    """An inbound call from the moment it comes in until an agent accepts it or it is missed."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ANSWERED = "answered", "Answered"
        MISSED = "missed", "Missed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(CallSession, on_delete=models.CASCADE, related_name="queued")
    queue = models.ForeignKey(Queue, null=True, on_delete=models.SET_NULL, related_name="calls")
    call_sid = models.CharField("Twilio CallSid", max_length=64, unique=True)
    caller = models.CharField(max_length=32, blank=True)
    called = models.CharField(max_length=32, blank=True)
    # Twilio's latest CallStatus, from its status callbacks.
    carrier_status = models.CharField(max_length=16, blank=True)
    arrived_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(
        max_length=16, choices=Outcome, default=Outcome.WAITING, db_index=True
    )
    # Why a missed call was missed: "queue_timeout", "caller_hung_up".
    missed_reason = models.CharField(max_length=32, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    wait_seconds = models.FloatField(null=True, blank=True)
    # The agent it rings for now, until when; and everyone it has rung for (never again).
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    rung = models.JSONField(default=list, blank=True)
    # A PBX's call that named its agent rings for that agent only (pbx.py).
    for_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["arrived_at"]
        verbose_name = "inbound call"

    def __str__(self) -> str:
        return f"{self.call_sid} ({self.get_outcome_display()})"

    @property
    def is_waiting(self) -> bool:
        return self.outcome == self.Outcome.WAITING

    def waited(self, until: datetime | None = None) -> float:
        return ((until or timezone.now()) - self.arrived_at).total_seconds()


class OutboundCall(models.Model):
    """A customer the agent dialled through the centre's Twilio (one per session, one click).

    The row is made before Twilio is asked, so a retried click finds it and places no second
    call; `call_sid` is Twilio's once the Calls API answered.
    """

    class Outcome(models.TextChoices):
        DIALLING = "dialling", "Dialling"
        ANSWERED = "answered", "Answered"
        BUSY = "busy", "Busy"
        NO_ANSWER = "no_answer", "No answer"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Cancelled"

    session = models.OneToOneField(CallSession, on_delete=models.CASCADE, related_name="dialled")
    # NULL until Twilio answered the create (unique: many may be in flight at once).
    call_sid = models.CharField("Twilio CallSid", max_length=64, unique=True, null=True, blank=True)
    number = models.CharField(max_length=32)
    # Twilio's latest CallStatus, from its status callbacks.
    carrier_status = models.CharField(max_length=16, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome, default=Outcome.DIALLING)
    dialled_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "outbound call"

    def __str__(self) -> str:
        return f"{self.call_sid or 'being dialled'} ({self.get_outcome_display()})"


class IntegrationToken(models.Model):
    """A PBX's or CTI system's key to the integrations API (integrations.py).

    The token itself is shown once, when an admin creates it; only its SHA-256 is stored (a
    random 32-byte token needs no slow hash), and its first characters to tell tokens apart.
    It may put calls only on its routes; revoked, it opens nothing again.
    """

    name = models.CharField(max_length=80, help_text='Who uses it: "Berlin PBX".')
    prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    routes = models.ManyToManyField(
        Route, related_name="+", help_text="The SIP routes its calls may use."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "integration token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IntegrationUse(models.Model):
    """One request made with an integration token: the audit of its use."""

    token = models.ForeignKey(IntegrationToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=16)
    path = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=64, blank=True)
    session = models.ForeignKey(
        CallSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remote_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "integration token use"

    def __str__(self) -> str:
        return f"{self.action} {self.status}"
