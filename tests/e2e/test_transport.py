"""The HTTP edge of `python app.py serve`: health, Slack's signatures, another workspace,
rate limits, and a long list paginated within Slack's limits."""

from __future__ import annotations

import json
import re

import httpx
from sqlmodel import col, select

from bot import services
from bot.rules.permissions import SYSTEM, Actor
from storage.db import Database
from storage.models import Recommendation, UpdateSource
from tests.e2e.helpers import acked, fingerprint, shown
from tests.e2e.server import ServeProcess
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

CHAIR = "U0RUTHOKAF"
TVP_LEAD = "U0DEVSHARM"
MEMBER = "U0MOAHMED0"


def test_healthz_answers_ok_when_the_database_does(server: ServeProcess) -> None:
    response = httpx.get(f"{server.root}/healthz")
    assert response.status_code == 200 and response.text.strip() == "ok"


def test_url_verification_echoes_the_challenge(slack: SlackDriver) -> None:
    response = slack.url_verification("challenge-123")
    assert response.status_code == 200 and "challenge-123" in response.text


def test_forged_signature_is_refused_and_writes_nothing(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    before = fingerprint(app_db)
    response = slack.command(TVP_LEAD, "update H-15 at-risk forged", forged=True)
    assert response.status_code == 401
    assert fingerprint(app_db) == before
    assert fake.calls("users.info") == []


def test_stale_timestamp_is_refused_and_writes_nothing(
    slack: SlackDriver, app_db: Database
) -> None:
    before = fingerprint(app_db)
    response = slack.command(TVP_LEAD, "note H-15 replayed six minutes later", stale=True)
    assert response.status_code == 401
    assert fingerprint(app_db) == before


def test_another_workspace_reads_nothing_and_writes_nothing(
    server: ServeProcess, fake: FakeSlack, app_db: Database
) -> None:
    from tests.e2e.server import SIGNING_SECRET

    with SlackDriver(server.events_url, SIGNING_SECRET, team_id="T0OTHER", fake=fake) as other:
        shown_there = shown(acked(other.command(TVP_LEAD, "show H-12")))
        assert "another workspace" in shown_there and "Scoping" not in shown_there
        before = fingerprint(app_db)
        body = acked(other.command(TVP_LEAD, "note H-12 from elsewhere"))
        assert "another workspace" in shown(body)
        assert fingerprint(app_db) == before


def test_rate_limited_dm_arrives_once(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    fake.fail_next("chat.postMessage", 429, retry_after=1, times=2)
    acked(slack.command(CHAIR, "reject H-16 The audit covered one team only"))
    fake.wait_for(
        lambda c: c.method == "chat.postMessage" and c.ok and c.params["channel"] == TVP_LEAD,
        timeout=15,
    )
    delivered = [c for c in fake.calls("chat.postMessage") if c.ok]
    assert len(delivered) == 1
    assert len(fake.faults_served) == 2


def add_plan(db: Database, count: int) -> None:
    with db.unit_of_work() as uow:
        board = services.ensure_board(uow, SYSTEM, "Oxfordshire Safeguarding Children Board")
        services.ensure_review(uow, SYSTEM, board, "P", "Plan P")
        uow.commit()
    admin = Actor("U0SAMPATEL", "Sam Patel")
    with db.unit_of_work() as uow:
        for number in range(1, count + 1):
            services.add_recommendation(
                uow,
                admin,
                services.NewRecommendation("P", f"Action {number} of the long plan"),
                source=UpdateSource.import_,
            )
        uow.commit()


def test_a_list_of_300_paginates_within_slack_limits(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    add_plan(app_db, 300)
    body = acked(slack.command(MEMBER, "list P"))
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        assert len(body["blocks"]) <= 50
        seen += re.findall(r"\*(P-\d+)\*", shown(body))
        nxt = [
            e
            for b in body["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"].endswith("_next")
        ]
        if not nxt:
            break
        assert json.loads(nxt[0]["value"])["page"] == pages + 1
        fake.clear()
        slack.click(MEMBER, nxt[0]["action_id"], nxt[0]["value"])
        body = fake.wait_for("response_url").params["payload"]
        assert body["replace_original"] is True
    assert pages == 8
    with app_db.unit_of_work(write=False) as uow:
        refs = set(
            uow.session.exec(
                select(Recommendation.ref).where(col(Recommendation.ref).startswith("P-"))
            ).all()
        )
    assert sorted(seen) == sorted(refs) and len(refs) == 300
