"""Evidence: attached by owners, proposed by others, captured from board-channel messages,
and accepted, rejected or undone by chairs.

A message is evidence only in a board's home channel or a channel the board linked, and only
for that board's recommendations: a ref of another board is as unknown there as a ref that
does not exist. Whether its channel was private is kept with it (bot.rules.scope says who
may see it). A retried delivery of a channel message records nothing twice: the event is
marked processed in the same transaction as the evidence it produced."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.errors import UserError
from bot.rules.permissions import Act, Actor, may, require
from bot.rules.refs import refs_in
from bot.rules.text import MAX_NOTE, clean_text, clean_url
from bot.services.access import owners_in_words, require_on, roles_on
from bot.services.audit import audit
from bot.services.base import UseCases
from bot.services.lookups import (
    get_evidence,
    get_recommendation,
    get_recommendation_by_id,
    recommendation_for,
)
from bot.services.people import acting
from storage import ledger, queries
from storage.db import UnitOfWork
from storage.models import (
    COUNTING_EVIDENCE,
    Board,
    Evidence,
    EvidenceState,
    Recommendation,
)
from storage.queries import BoardScope


def counting_evidence(session: Session, rec_id: int) -> int:
    return len(
        session.exec(
            select(Evidence.id).where(
                Evidence.recommendation_id == rec_id, col(Evidence.state).in_(COUNTING_EVIDENCE)
            )
        ).all()
    )


def _add_evidence(
    uow: UnitOfWork,
    actor: Actor,
    rec: Recommendation,
    url: str | None,
    description: str,
    *,
    state: EvidenceState,
    file_id: str | None = None,
    permalink: str | None = None,
    channel_id: str | None = None,
    message_ts: str | None = None,
    channel_private: bool | None = None,
) -> Evidence:
    evidence = Evidence(
        recommendation_id=rec.id,  # type: ignore[arg-type]
        url=url,
        slack_file_id=file_id,
        description=description,
        posted_by_id=actor.user_id,
        posted_at=uow.now,
        permalink=permalink,
        channel_id=channel_id,
        channel_private=channel_private,
        message_ts=message_ts,
        state=state,
    )
    uow.session.add(evidence)
    rec.updated_at = uow.now
    uow.session.add(rec)
    uow.session.flush()
    audit(
        uow,
        actor,
        "evidence.add",
        "evidence",
        evidence.id,
        ref=rec.ref,
        url=url,
        file_id=file_id,
        state=state,
    )
    return evidence


def attach_evidence(
    uow: UnitOfWork,
    actor: Actor,
    ref: str,
    url: str | None,
    description: str = "",
    *,
    file_id: str | None = None,
    permalink: str | None = None,
    channel_id: str | None = None,
    message_ts: str | None = None,
    channel_private: bool | None = None,
    allow_proposal: bool = False,
    boards: BoardScope | None = None,
) -> Evidence:
    """Evidence from an owner is recorded; from anyone else, when allowed, it is proposed.
    `boards`: where the ref may be found (a channel's board); else where the actor may see."""
    if boards is None:
        rec = recommendation_for(uow.session, actor, ref, for_update=True)
    else:
        rec = get_recommendation(uow.session, ref, boards=boards, for_update=True)
    if may(roles_on(uow.session, actor, rec, uow.now), Act.add_evidence):
        state = EvidenceState.recorded
    elif allow_proposal:
        state = EvidenceState.proposed
    else:
        require_on(uow.session, actor, rec, Act.add_evidence, f"add evidence to {rec.ref}", uow.now)
        raise AssertionError("unreachable")
    if url is None and file_id is None:
        raise UserError(
            "Give a link or a file as evidence.",
            example=f"/recs evidence {rec.ref} https://example.org/audit.pdf Audit report",
        )
    clean = clean_url(url) if url else None
    description = clean_text(description, "description", required=False)
    return _add_evidence(
        uow,
        actor,
        rec,
        clean,
        description,
        state=state,
        file_id=file_id,
        permalink=permalink,
        channel_id=channel_id,
        message_ts=message_ts,
        channel_private=channel_private,
    )


# --- evidence review: accept, reject, undo ------------------------------------------------


def _require(
    uow: UnitOfWork, actor: Actor, rec: Recommendation, act: Act, what: str, who: str | None = None
) -> None:
    roles = roles_on(uow.session, actor, rec, uow.now)
    require(roles, act, what, who)


def _evidence_and_rec(uow: UnitOfWork, evidence_id: int | str) -> tuple[Evidence, Recommendation]:
    evidence = get_evidence(uow.session, evidence_id, for_update=True)
    rec = uow.session.get(Recommendation, evidence.recommendation_id)
    assert rec is not None  # foreign key
    return evidence, rec


def _review_evidence(
    uow: UnitOfWork,
    actor: Actor,
    evidence: Evidence,
    rec: Recommendation,
    state: EvidenceState,
    action: str,
    reason: str | None = None,
) -> Evidence:
    before = evidence.state
    evidence.state = state
    evidence.reviewed_by_id = actor.user_id
    evidence.reviewed_at = uow.now
    evidence.review_reason = reason
    rec.updated_at = uow.now
    uow.session.add(evidence)
    uow.session.add(rec)
    # `state` in the detail is what an as-of paper reads to know the evidence's state then.
    audit(
        uow, actor, action, "evidence", evidence.id, ref=rec.ref, before=before, state=state,
        reason=reason,
    )
    return evidence


def accept_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int | str) -> Evidence:
    """Proposed evidence: the owner or a chair accepts it. Recorded evidence: a chair assures it."""
    evidence, rec = _evidence_and_rec(uow, evidence_id)
    if evidence.state not in (EvidenceState.proposed, EvidenceState.recorded):
        raise UserError(f"That evidence for {rec.ref} is {evidence.state}; it can't be accepted.")
    if evidence.state == EvidenceState.proposed:
        who = owners_in_words(uow.session, rec) + ", or a chair, can accept it."
        _require(uow, actor, rec, Act.accept_proposed_evidence, f"accept evidence for {rec.ref}", who)
    else:
        _require(uow, actor, rec, Act.accept_evidence, f"accept evidence for {rec.ref}")
    return _review_evidence(uow, actor, evidence, rec, EvidenceState.accepted, "evidence.accept")


def reject_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int | str, reason: str) -> Evidence:
    """A chair rejects evidence, saying why; the owner is told the reason."""
    evidence, rec = _evidence_and_rec(uow, evidence_id)
    _require(uow, actor, rec, Act.reject_evidence, f"reject evidence for {rec.ref}")
    reason = clean_text(reason, "reason")
    if evidence.state in (EvidenceState.rejected, EvidenceState.withdrawn):
        raise UserError(f"That evidence for {rec.ref} is already {evidence.state}.")
    return _review_evidence(
        uow, actor, evidence, rec, EvidenceState.rejected, "evidence.reject", reason
    )


def undo_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int | str) -> Evidence:
    """The poster (or a board admin) takes evidence back. The row stays, withdrawn, for the
    history; nothing counts it any more."""
    evidence, rec = _evidence_and_rec(uow, evidence_id)
    if evidence.posted_by_id != actor.user_id:
        _require(
            uow, actor, rec, Act.undo_others_evidence,
            f"undo evidence on {rec.ref} that someone else posted",
            "Only the person who posted it or a board admin can.",
        )
    if evidence.state == EvidenceState.withdrawn:
        raise UserError(f"That evidence for {rec.ref} was already undone.")
    if evidence.state in (EvidenceState.accepted, EvidenceState.rejected):
        raise UserError(f"A chair has already {evidence.state} that evidence for {rec.ref}.")
    before = evidence.state
    evidence.state = EvidenceState.withdrawn
    rec.updated_at = uow.now
    uow.session.add(evidence)
    uow.session.add(rec)
    audit(
        uow, actor, "evidence.undo", "evidence", evidence.id, ref=rec.ref, before=before,
        state=EvidenceState.withdrawn,
    )
    return evidence


# --- evidence from board-channel messages ---------------------------------------------------

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
    private: bool = True  # a private channel or a group DM; unknown counts as private

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
    return queries.board_of_channel(uow.session, channel_id) is not None


NOT_A_BOARD_CHANNEL = (
    "That message is not in a board's channel or a channel its board has linked, so it "
    "can't be evidence. The board's business manager can link the channel in /recs settings."
)


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
    board = _channel_board(uow, actor, message.channel_id)
    if not wants_recording(message) or board is None:
        return outcome
    if not ledger.claim_event(uow.session, event_key(message), uow.now):
        outcome.duplicate = True
        return outcome
    for ref in message.refs:
        if queries.recommendation_by_ref(uow.session, ref, [board]) is None:
            outcome.unknown_refs.append(ref)  # unknown, or another board's: the same here
            continue
        _record_for_ref(uow, actor, message, ref, outcome, permalink=permalink, board=board)
    return outcome


def _channel_board(uow: UnitOfWork, actor: Actor, channel_id: str) -> int | None:
    """The board whose channel this is, if the person's workspace may act on it: with many
    workspaces, a channel shared between them (Slack Connect) is only its board's
    workspace's."""
    board_id = queries.board_of_channel(uow.session, channel_id)
    if board_id is None or actor.workspace is None:
        return board_id
    board = uow.session.get(Board, board_id)
    return board_id if board is not None and board.team_id == actor.workspace else None


def record_chosen_evidence(
    uow: UnitOfWork,
    actor: Actor,
    message: ChannelMessage,
    ref: str,
    description: str,
    *,
    permalink: str | None,
) -> EvidenceOutcome:
    """The *Add as evidence* shortcut: a person picked the ref for a message in a board's
    channel; the ref must be that board's."""
    outcome = EvidenceOutcome()
    board = _channel_board(uow, actor, message.channel_id)
    if board is None:
        raise UserError(NOT_A_BOARD_CHANNEL, example="Evidence for H-12: https://example.org/audit.pdf")
    get_recommendation(uow.session, ref, boards=[board])  # unknown here: the person's error
    if not message.carries_evidence and not permalink:
        raise UserError(
            "That message has no link or file, and I couldn't get a link to it.",
            example="Evidence for H-12: https://example.org/audit.pdf",
        )
    _record_for_ref(
        uow, actor, message, ref, outcome, permalink=permalink, text=description, board=board
    )
    return outcome


def _record_for_ref(
    uow: UnitOfWork,
    actor: Actor,
    message: ChannelMessage,
    ref: str,
    outcome: EvidenceOutcome,
    *,
    permalink: str | None,
    board: int,
    text: str | None = None,
) -> None:
    description = (text if text is not None else message.plain_text)[: MAX_NOTE]
    items: list[tuple[str | None, SlackFile | None]] = [(url, None) for url in message.links]
    items += [(None, f) for f in message.files]
    if not items and permalink:
        items = [(permalink, None)]  # the message itself is the evidence
    for url, file in items:
        try:
            evidence = attach_evidence(
                uow,
                actor,
                ref,
                url,
                description,
                file_id=file.id if file else None,
                permalink=permalink,
                channel_id=message.channel_id,
                message_ts=message.ts,
                channel_private=message.private,
                allow_proposal=True,
                boards=[board],
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
    evidence = get_evidence(uow.session, evidence_id)
    rec = get_recommendation_by_id(uow.session, evidence.recommendation_id)
    tell = tuple(dict.fromkeys(u for u in (rec.lead_officer_id, evidence.posted_by_id) if u))
    what = evidence.url or evidence.permalink or evidence.slack_file_id or ""
    return ReviewedEvidence(rec.ref, what, str(evidence.state), evidence.review_reason, tell)


class EvidenceUseCases(UseCases):
    """Evidence as people give and judge it, each act in its own transaction."""

    def attach(self, actor: Actor, ref: str, url: str, description: str) -> Evidence:
        with self.writing() as uow:
            acting(uow, actor)
            evidence = attach_evidence(uow, actor, ref, url, description)
            uow.commit()
        return evidence

    def from_channel(
        self, actor: Actor, message: ChannelMessage, *, permalink: str | None
    ) -> EvidenceOutcome:
        """A board-channel message's links and files, recorded once however often Slack
        delivers it (a redelivery that races this one raises IntegrityError)."""
        with self.writing() as uow:
            acting(uow, actor)
            outcome = record_message_evidence(uow, actor, message, permalink=permalink)
            uow.commit()
        return outcome

    def from_chosen_message(
        self, actor: Actor, message: ChannelMessage, ref: str, description: str,
        *, permalink: str | None,
    ) -> EvidenceOutcome:  # fmt: skip
        """*Add as evidence*: the person picked the ref; nothing recorded is their error."""
        with self.writing() as uow:
            acting(uow, actor)
            outcome = record_chosen_evidence(
                uow, actor, message, ref, description, permalink=permalink
            )
            if not outcome.recorded:
                raise UserError("; ".join(outcome.refused) or "Nothing was recorded.")
            uow.commit()
        return outcome

    def is_board_channel(self, channel_id: str) -> bool:
        with self.reading() as uow:
            return is_board_channel(uow, channel_id)

    def accept(self, actor: Actor, evidence_id: int | str) -> ReviewedEvidence:
        with self.writing() as uow:
            decided = reviewed(uow, accept_evidence(uow, actor, evidence_id).id or 0)
            uow.commit()
        return decided

    def reject(self, actor: Actor, evidence_id: int, reason: str) -> ReviewedEvidence:
        with self.writing() as uow:
            reject_evidence(uow, actor, evidence_id, reason)
            decided = reviewed(uow, evidence_id)
            uow.commit()
        return decided

    def undo(self, actor: Actor, evidence_ids: list[int]) -> list[str]:
        """Takes back the poster's evidence; returns the refs it was for."""
        with self.writing() as uow:
            refs = [reviewed(uow, undo_evidence(uow, actor, i).id or 0).ref for i in evidence_ids]
            uow.commit()
        return refs

    def reviewed(self, evidence_id: int) -> ReviewedEvidence:
        with self.reading() as uow:
            return reviewed(uow, evidence_id)
