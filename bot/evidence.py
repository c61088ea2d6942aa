"""Evidence from the board channel: which refs a message names, which links and files it
carries, and what is recorded for them. A retried delivery records nothing twice: the event is
marked processed in the same transaction as the evidence it produced."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import services
from bot.errors import UserError
from bot.rules.permissions import Actor
from bot.rules.refs import refs_in
from storage import ledger, queries
from storage.db import UnitOfWork
from storage.models import EvidenceState

# Slack writes links as <https://…> or <https://…|label>; people also paste bare ones.
SLACK_LINK_RE = re.compile(r"<(https?://[^>|\s]+)(?:\|([^>]*))?>", re.IGNORECASE)
BARE_LINK_RE = re.compile(r"(?<![<|])\bhttps?://[^\s<>\"]+", re.IGNORECASE)


@dataclass(frozen=True)
class SlackFile:
    id: str
    name: str = ""
    permalink: str | None = None


@dataclass(frozen=True)
class ChannelMessage:
    """The parts of a Slack message that evidence is made from."""

    channel_id: str
    ts: str
    user_id: str
    text: str
    files: tuple[SlackFile, ...] = ()
    thread_ts: str | None = None  # set when the message is a reply in a thread

    @property
    def links(self) -> list[str]:
        found = [m.group(1) for m in SLACK_LINK_RE.finditer(self.text)]
        found += [m.group(0).rstrip(".,;:)") for m in BARE_LINK_RE.finditer(self.text)]
        return list(dict.fromkeys(found))

    @property
    def plain_text(self) -> str:
        """The text as a person reads it: link labels instead of Slack's markup."""
        return SLACK_LINK_RE.sub(lambda m: m.group(2) or m.group(1), self.text).strip()

    @property
    def refs(self) -> list[str]:
        return refs_in(self.plain_text)

    @property
    def carries_evidence(self) -> bool:
        return bool(self.links or self.files)


@dataclass(frozen=True)
class RecordedItem:
    evidence_id: int
    ref: str
    what: str  # the link, or the file's name
    state: EvidenceState


@dataclass
class EvidenceOutcome:
    recorded: list[RecordedItem] = field(default_factory=list)
    unknown_refs: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why a ref got nothing, for the thread
    duplicate: bool = False

    @property
    def evidence_ids(self) -> list[int]:
        return [item.evidence_id for item in self.recorded]


def event_key(message: ChannelMessage) -> str:
    # The message, not the delivery: retries and re-sent events share it.
    return f"evidence:{message.channel_id}:{message.ts}"[:120]


def is_board_channel(uow: UnitOfWork, channel_id: str) -> bool:
    return queries.board_with_channel(uow.session, channel_id) is not None


def wants_recording(message: ChannelMessage) -> bool:
    """Cheap, before any Slack call or write: refs named and a link or file carried."""
    return bool(message.refs) and message.carries_evidence


def record_message_evidence(
    uow: UnitOfWork, actor: Actor, message: ChannelMessage, *, permalink: str | None = None
) -> EvidenceOutcome:
    """A board-channel message naming refs and carrying links or files becomes evidence.

    Known refs get one evidence item per link or file; unknown refs are reported and get
    nothing. The caller commits; a message seen before records nothing (`duplicate`).
    """
    outcome = EvidenceOutcome()
    if not wants_recording(message):
        return outcome
    if not ledger.claim_event(uow.session, event_key(message), uow.now):
        outcome.duplicate = True
        return outcome
    for ref in message.refs:
        if queries.recommendation_by_ref(uow.session, ref) is None:
            outcome.unknown_refs.append(ref)
            continue
        _record_for_ref(uow, actor, message, ref, outcome, permalink=permalink)
    return outcome


def record_chosen_evidence(
    uow: UnitOfWork,
    actor: Actor,
    message: ChannelMessage,
    ref: str,
    description: str,
    *,
    permalink: str | None,
) -> EvidenceOutcome:
    """The *Add as evidence* shortcut: a person picked the ref for any message."""
    outcome = EvidenceOutcome()
    services.get_recommendation(uow.session, ref)  # an unknown ref is the person's error
    if not message.carries_evidence and not permalink:
        raise UserError(
            "That message has no link or file, and I couldn't get a link to it.",
            example="Evidence for H-12: https://example.org/audit.pdf",
        )
    _record_for_ref(uow, actor, message, ref, outcome, permalink=permalink, text=description)
    return outcome


def _record_for_ref(
    uow: UnitOfWork,
    actor: Actor,
    message: ChannelMessage,
    ref: str,
    outcome: EvidenceOutcome,
    *,
    permalink: str | None,
    text: str | None = None,
) -> None:
    description = (text if text is not None else message.plain_text)[: services.MAX_NOTE]
    items: list[tuple[str | None, SlackFile | None]] = [(url, None) for url in message.links]
    items += [(None, f) for f in message.files]
    if not items and permalink:
        items = [(permalink, None)]  # the message itself is the evidence
    for url, file in items:
        try:
            evidence = services.attach_evidence(
                uow,
                actor,
                ref,
                url,
                description,
                file_id=file.id if file else None,
                permalink=permalink,
                channel_id=message.channel_id,
                message_ts=message.ts,
                allow_proposal=True,
            )
        except UserError as exc:
            outcome.refused.append(f"{ref}: {exc.message}")
            continue
        what = url or (file.name or file.id if file else "")
        outcome.recorded.append(
            RecordedItem(evidence.id or 0, ref.upper(), what, EvidenceState(evidence.state))
        )


@dataclass(frozen=True)
class ReviewedEvidence:
    ref: str
    what: str
    state: str
    reason: str | None
    tell: tuple[str, ...]  # the lead officer and the poster, told of a chair's decision


def reviewed(uow: UnitOfWork, evidence_id: int) -> ReviewedEvidence:
    evidence = services.get_evidence(uow.session, evidence_id)
    rec = services.get_recommendation_by_id(uow.session, evidence.recommendation_id)
    tell = tuple(dict.fromkeys(u for u in (rec.lead_officer_id, evidence.posted_by_id) if u))
    what = evidence.url or evidence.permalink or evidence.slack_file_id or ""
    return ReviewedEvidence(rec.ref, what, str(evidence.state), evidence.review_reason, tell)
