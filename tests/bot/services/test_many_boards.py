"""Issue 19's first acceptance: two boards, a chair of both, an admin of each. The chair sees
both; each admin changes only their own board's settings; each board's lists (and a list
across both) judge every recommendation by its own board's thresholds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot import services
from bot.commands.dispatch import CommandRunner
from bot.errors import NotAllowed
from bot.rules.brag import Thresholds, brag_for
from bot.rules.permissions import SYSTEM, Actor
from bot.services.boards import BoardSettings
from bot.services.reading import ListQuery
from bot.services.suite import Services
from bot.views.blocks import as_dicts
from storage.db import Database
from storage.models import AuditLog, Board, BoardRoleKind, Recommendation, Review, UpdateSource
from tests.conftest import ADMIN, CHAIR
from tests.support import second_board as bravo

TODAY = date(2015, 3, 2)  # the demo clock's day


@pytest.fixture
def two_boards(demo_db: Database) -> Database:
    """Child H's board and Bravo's; Child H's chair chairs Bravo too. Each review has a
    recommendation not started, due on 30 September 2015 and untouched since 20 February:
    green under the default thresholds, amber under a short staleness or a long due-soon."""
    bravo.add_second_board(demo_db)
    with demo_db.unit_of_work() as uow:
        board = uow.session.exec(select(Board).where(Board.name == bravo.BOARD)).one()
        services.grant_role(uow, SYSTEM, board, CHAIR.user_id, BoardRoleKind.chair)
        for code in ("H", bravo.REVIEW):
            rec = services.add_recommendation(
                uow, SYSTEM,
                services.NewRecommendation(code, f"{code} sensitive", due="30/9/2015"),
                source=UpdateSource.import_,
            )  # fmt: skip
            rec.created_at = datetime(2015, 2, 20, 12, 0, tzinfo=UTC)
            uow.session.add(rec)
        uow.commit()
    return demo_db


def board_ids(db: Database) -> tuple[int, int]:
    with db.unit_of_work(write=False) as uow:
        h = uow.session.exec(select(Review).where(Review.code == "H")).one().board_id
        b = uow.session.exec(select(Review).where(Review.code == bravo.REVIEW)).one().board_id
    return h, b


def test_a_chair_of_two_boards_sees_a_section_for_each(two_boards: Database) -> None:
    found = Services(two_boards).reads.chaired_summaries(CHAIR)
    assert sorted(s.title for s in found) == sorted([bravo.BOARD, _board_name(two_boards)])
    assert {s.total for s in found} == {37, 4}  # never a sum across boards
    home = Services(two_boards).reads.home_page(CHAIR)  # App Home: a section each too
    assert sorted(s.title for s in home.overviews) == sorted(s.title for s in found)
    reply = CommandRunner(two_boards).run(CHAIR, "").settled()
    shown = str(as_dicts(reply.blocks))
    assert bravo.BOARD in shown and _board_name(two_boards) in shown


def test_in_a_boards_channel_the_chair_sees_that_board_alone(two_boards: Database) -> None:
    in_bravo = Actor(CHAIR.user_id, CHAIR.name, channel_id=bravo.CHANNEL)
    found = Services(two_boards).reads.chaired_summaries(in_bravo)
    assert [s.title for s in found] == [bravo.BOARD]


def test_each_admin_changes_only_their_own_boards_settings(two_boards: Database) -> None:
    h_board, b_board = board_ids(two_boards)
    boards = Services(two_boards).boards
    bravo_admin = Actor(bravo.ADMIN, "Bill Bravo-Admin")
    with pytest.raises(NotAllowed):
        boards.change_settings(ADMIN, b_board, BoardSettings(amber_due_within_days=90))
    with pytest.raises(NotAllowed):
        boards.change_settings(bravo_admin, h_board, BoardSettings(amber_due_within_days=90))
    boards.change_settings(ADMIN, h_board, BoardSettings(amber_stale_days=7))
    boards.change_settings(bravo_admin, b_board, BoardSettings(amber_due_within_days=300))
    with two_boards.unit_of_work(write=False) as uow:
        h, b = uow.session.get(Board, h_board), uow.session.get(Board, b_board)
        assert h is not None and b is not None
        assert (h.amber_stale_days, h.amber_due_within_days) == (7, 30)
        assert (b.amber_stale_days, b.amber_due_within_days) == (60, 300)


@pytest.mark.parametrize("settings", [
    {},  # both keep the defaults: one set, no groups
    {"h": BoardSettings(amber_stale_days=7)},
    {"h": BoardSettings(amber_stale_days=7), "b": BoardSettings(amber_due_within_days=300)},
    {"b": BoardSettings(amber_due_within_days=300, amber_stale_days=8)},
])  # fmt: skip
def test_a_list_across_both_boards_judges_each_by_its_own_boards_thresholds(
    two_boards: Database, settings: dict[str, BoardSettings]
) -> None:
    h_board, b_board = board_ids(two_boards)
    services_ = Services(two_boards)
    for key, new in settings.items():
        services_.boards.change_settings(SYSTEM, h_board if key == "h" else b_board, new)
    expected = _expected_brag(two_boards)
    if settings:  # the recommendations that tell one board's thresholds from another's
        assert "amber" in {expected["H-37"], expected["BRAVO-4"]}
        assert len({expected["H-37"], expected["BRAVO-4"]}) == 2 or len(settings) == 2
    for rag in (None, "amber", "green"):
        page = services_.reads.list_page(
            CHAIR, ListQuery(rag=rag), title="all", command="list"
        )  # a DM: both boards in view
        shown = {row.ref: row.brag for row in page.rows}
        assert all(expected[ref] == brag for ref, brag in shown.items()), (rag, shown)
        wanted = [ref for ref, brag in expected.items() if rag is None or brag == rag]
        assert page.total == len(wanted), rag


def _expected_brag(db: Database) -> dict[str, str]:
    """Every recommendation's BRAG by the rule in Python, under its own board's thresholds."""
    with db.unit_of_work(write=False) as uow:
        rows = uow.session.exec(
            select(Recommendation, Board)
            .join(Review, col(Review.id) == Recommendation.review_id)
            .join(Board, col(Board.id) == Review.board_id)
        ).all()
        return {rec.ref: brag_for(rec, TODAY, Thresholds.of(board)).value for rec, board in rows}


def _board_name(db: Database) -> str:
    with db.unit_of_work(write=False) as uow:
        h = uow.session.exec(select(Review).where(Review.code == "H")).one()
        board = uow.session.get(Board, h.board_id)
        assert board is not None
        return board.name


def test_two_workspaces_making_a_board_of_the_same_name_get_a_board_each(db: Database) -> None:
    """Many workspaces: the first import in each makes its board under RECS_BOARD's name;
    board names are unique, so the second is named with its workspace, never given the
    first's board, and finds its own again."""
    first, second = Actor("U0A", "A", workspace="T0AAA"), Actor("U0B", "B", workspace="T0BBB")
    with db.unit_of_work() as uow:
        a = services.ensure_board(uow, first, "Safeguarding Children Board")
        b = services.ensure_board(uow, second, "Safeguarding Children Board")
        again = services.ensure_board(uow, second, "Safeguarding Children Board")
        a_again = services.ensure_board(uow, first, "Safeguarding Children Board")
        uow.commit()
    assert (a.name, a.team_id) == ("Safeguarding Children Board", "T0AAA")
    assert (b.name, b.team_id) == ("Safeguarding Children Board (T0BBB)", "T0BBB")
    assert again.id == b.id and a_again.id == a.id != b.id


def test_the_operator_gives_a_board_to_a_workspace_once(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python app.py board NAME --workspace T…`: a board made before many workspaces (no
    workspace) becomes one's; it is never taken from another; a bad id or name writes
    nothing and says why in one line."""
    from app import main

    monkeypatch.setenv("DATABASE_URL", demo_db.url)
    name = _board_name(demo_db)
    assert main(["board", name, "--workspace", "T0ALPHA"]) == 0
    assert main(["board", name, "--workspace", "T0ALPHA"]) == 0  # again: nothing changes
    assert main(["board", name, "--workspace", "T0BRAVO"]) == 1
    assert main(["board", name, "--workspace", "not-a-team"]) == 1
    assert main(["board", "No Such Board", "--workspace", "T0ALPHA"]) == 1
    out, err = capsys.readouterr()
    assert "is workspace T0ALPHA's" in out
    assert "another workspace's (T0ALPHA)" in err and "not a Slack workspace id" in err
    assert "no board named 'No Such Board'" in err and "Traceback" not in err
    with demo_db.unit_of_work(write=False) as uow:
        board = uow.session.exec(select(Board).where(Board.name == name)).one()
        moves = uow.session.exec(
            select(AuditLog).where(AuditLog.action == "board.workspace")
        ).all()
    assert board.team_id == "T0ALPHA" and len(moves) == 1


def test_an_admin_of_both_boards_is_asked_which_and_the_form_names_its_board(
    two_boards: Database,
) -> None:
    """`/recs settings` from a DM, by an admin of two boards: told to ask in the board's
    channel, both boards named, nothing opened; in a board's channel, that board's form, with
    its name at the top."""
    with two_boards.unit_of_work() as uow:
        board = uow.session.exec(select(Board).where(Board.name == bravo.BOARD)).one()
        services.grant_role(uow, SYSTEM, board, ADMIN.user_id, BoardRoleKind.admin)
        uow.commit()
    runner = CommandRunner(two_boards)
    refused = runner.run(ADMIN, "settings")
    assert not refused.ok and refused.modal is None
    assert bravo.BOARD in refused.text and _board_name(two_boards) in refused.text
    in_bravo = Actor(ADMIN.user_id, ADMIN.name, channel_id=bravo.CHANNEL)
    assert runner.run(in_bravo, "settings").modal == "settings"
    found = Services(two_boards).reads.settings_form(in_bravo)
    assert found is not None and found[1].board_name == bravo.BOARD


def test_the_command_line_imports_to_the_board_it_names_and_makes_a_new_one(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """`--board NAME` is exact: a new name makes a second board (how an operator adds one);
    without it, a deployment of one board imports to that board whatever RECS_BOARD says;
    with two, an import naming no board is refused, naming both. A review stays on its board."""
    from app import main

    monkeypatch.setenv("DATABASE_URL", demo_db.url)
    monkeypatch.setenv("RECS_BOARD", "Not The Demo Board's Name")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    plan = tmp_path / "plan.csv"
    plan.write_text("No,Recommendation,Agency,Due date\n1,Audit the plan,Police,31/3/2015\n")
    assert main(["import", str(plan), "--review", "Q1"]) == 0  # the only board
    assert main(["import", str(plan), "--review", "Q2", "--board", "Second SCP"]) == 0
    assert main(["import", str(plan), "--review", "Q3"]) == 1  # two boards, none named
    assert main(["import", str(plan), "--review", "Q2", "--board", _board_name(demo_db)]) == 1
    out = capsys.readouterr().out
    assert "several boards" in out and "Second SCP" in out and "--board" in out
    assert "Q2 is on the board 'Second SCP'" in out
    with demo_db.unit_of_work(write=False) as uow:
        boards = {
            r.code: uow.session.get(Board, r.board_id).name  # type: ignore[union-attr]
            for r in uow.session.exec(select(Review)).all()
        }
    assert boards["Q1"] == _board_name(demo_db) and boards["Q2"] == "Second SCP"
    assert "Q3" not in boards


def test_a_channel_of_another_workspaces_board_takes_no_evidence_from_this_one(
    two_boards: Database,
) -> None:
    """Many workspaces: a Slack Connect channel can be one workspace's board channel and be
    seen from another. A person of the other workspace posting there records nothing on the
    board; its own workspace's people do."""
    from bot.services.evidence import ChannelMessage

    with two_boards.unit_of_work() as uow:
        for board in uow.session.exec(select(Board)).all():
            board.team_id = "T0BRAVO" if board.name == bravo.BOARD else "T0ALPHA"
            uow.session.add(board)
        uow.commit()
    evidence = Services(two_boards).evidence
    link = "https://example.org/shared-channel-audit.pdf"

    def post(user: str, team: str, ts: str) -> int:
        message = ChannelMessage(bravo.CHANNEL, ts, user, f"Evidence for {bravo.REVIEW}-1: {link}",
                                 private=False)  # fmt: skip
        found = evidence.from_channel(Actor(user, "", workspace=team), message, permalink=None)
        return len(found.recorded)

    assert post(CHAIR.user_id, "T0ALPHA", "1425290000.000201") == 0
    assert post(bravo.LEAD, "T0BRAVO", "1425290000.000202") == 1
