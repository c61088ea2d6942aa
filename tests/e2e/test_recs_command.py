"""`/recs` over HTTP against `python app.py serve`: every subcommand's happy path, and a bad
input for each that gets an ephemeral error with an example and writes nothing."""

from __future__ import annotations

from sqlmodel import select

from bot.views import ids
from storage.db import Database
from storage.models import BoardRole, Evidence, Person, Recommendation, Status
from storage.queries import EVERY_BOARD
from tests.e2e.helpers import acked, shown, unchanged_after
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

ADMIN = "U0SAMPATEL"
CHAIR = "U0RUTHOKAF"
CSC_LEAD = "U0JOTURNER"
TVP_LEAD = "U0DEVSHARM"
MEMBER = "U0MOAHMED0"


def rec(db: Database, ref: str) -> Recommendation:
    with db.unit_of_work(write=False) as uow:
        found = uow.session.exec(select(Recommendation).where(Recommendation.ref == ref)).one()
    return found


def is_error_with_example(body: dict) -> bool:
    return body.get("response_type") == "ephemeral" and ":warning:" in shown(body)


# --- help, home, list, show -----------------------------------------------------------------


def test_help_lists_the_commands_with_examples(slack: SlackDriver) -> None:
    body = acked(slack.command(MEMBER, "help"))
    assert body["response_type"] == "ephemeral"
    assert "/recs show" in shown(body)


def test_unknown_command_gets_an_ephemeral_error(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "frobnicate H-12"))
    assert is_error_with_example(body)
    assert "/recs help" in shown(body)


def test_help_for_an_unknown_topic_gives_an_example(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "help nonsense"))
    assert is_error_with_example(body) and "Example" in shown(body)


def test_bare_recs_shows_an_owner_their_open_recommendations(slack: SlackDriver) -> None:
    body = acked(slack.command(TVP_LEAD, ""))
    assert "Your open recommendations" in shown(body)
    assert "H-12" in shown(body)


def test_bare_recs_shows_a_chair_the_board_summary_after_the_ack(
    slack: SlackDriver, fake: FakeSlack
) -> None:
    """The summary reads every open recommendation of the board: the ack does not wait for
    it (issue 19), and the summary takes the placeholder's place."""
    fake.clear()
    body = acked(slack.command(CHAIR, ""))
    assert "Reading your boards" in shown(body) and "By agency" not in shown(body)
    answer = fake.wait_for("response_url").params["payload"]
    assert "By agency" in shown(answer) and answer["replace_original"] is True


def test_list_filters_by_brag(slack: SlackDriver) -> None:
    body = acked(slack.command(MEMBER, "list H rag:red"))
    assert body["response_type"] == "ephemeral"
    assert "H-12" in shown(body)  # overdue since December 2014
    assert "H-20" not in shown(body)


def test_list_with_a_bad_colour_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "list rag:purple"))
    assert is_error_with_example(body) and "BRAG colour" in shown(body)


def test_show_has_history_and_buttons(slack: SlackDriver) -> None:
    body = acked(slack.command(MEMBER, "show h-12"))
    assert "H-12" in shown(body) and "History" in shown(body)
    assert ids.UPDATE in shown(body) and ids.COMPLETED in shown(body)


def test_show_of_an_unknown_ref_names_an_example(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "show H-999"))
    assert is_error_with_example(body) and "H-999" in shown(body)


# --- writes by the owner --------------------------------------------------------------------


def test_update_flags_at_risk(slack: SlackDriver, app_db: Database) -> None:
    body = acked(slack.command(TVP_LEAD, "update H-15 at-risk Staff shortage in the MASH"))
    assert "flagged at risk" in shown(body)
    assert rec(app_db, "H-15").at_risk is True


def test_update_with_an_unknown_status_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(TVP_LEAD, "update H-15 flying"))
    assert is_error_with_example(body)


def test_update_by_someone_else_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "update H-15 in-progress x"))
    assert ":warning:" in shown(body) and "lead officer" in shown(body)


def test_note_adds_a_progress_note(slack: SlackDriver, app_db: Database) -> None:
    body = acked(slack.command(TVP_LEAD, "note H-17 Training booked for April"))
    assert "note added" in shown(body)
    assert rec(app_db, "H-17").last_update_at is not None


def test_empty_note_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(TVP_LEAD, "note H-17"))
    assert is_error_with_example(body)


def test_done_with_evidence_completes(slack: SlackDriver, app_db: Database) -> None:
    body = acked(
        slack.command(TVP_LEAD, "done H-14 https://example.org/scoping.pdf Scoping report")
    )
    assert "marked completed" in shown(body)
    assert rec(app_db, "H-14").status == Status.completed


def test_done_without_evidence_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(TVP_LEAD, "done H-18"))
    assert is_error_with_example(body) and "evidence" in shown(body)


def test_evidence_is_attached(slack: SlackDriver, app_db: Database) -> None:
    acked(slack.command(TVP_LEAD, "evidence H-17 https://example.org/plan.pdf Training plan"))
    with app_db.unit_of_work(write=False) as uow:
        urls = uow.session.exec(
            select(Evidence.url).where(Evidence.recommendation_id == rec(app_db, "H-17").id)
        ).all()
    assert "https://example.org/plan.pdf" in urls


def test_evidence_that_is_not_a_link_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(TVP_LEAD, "evidence H-17 notalink"))
    assert is_error_with_example(body)


def test_due_moves_the_date_with_a_reason(slack: SlackDriver, app_db: Database) -> None:
    body = acked(slack.command(TVP_LEAD, "due H-20 31/12/2015 waiting for the new IT system"))
    assert "31 December 2015" in shown(body)
    assert str(rec(app_db, "H-20").due_on) == "2015-12-31"


def test_due_without_a_reason_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(TVP_LEAD, "due H-20 31/1/2016"))
    assert is_error_with_example(body) and "Say why" in shown(body)


# --- admin and chair ------------------------------------------------------------------------


def test_assign_changes_the_lead_officer(slack: SlackDriver, app_db: Database) -> None:
    body = acked(slack.command(ADMIN, f"assign H-19 <@{CSC_LEAD}|jo>"))
    assert "lead officer is now" in shown(body)
    assert rec(app_db, "H-19").lead_officer_id == CSC_LEAD


def test_assign_by_a_member_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, f"assign H-19 <@{MEMBER}>"))
    assert ":warning:" in shown(body) and "board admin" in shown(body)


def test_agency_changes_the_owner_agency(slack: SlackDriver, app_db: Database) -> None:
    acked(slack.command(ADMIN, 'agency H-19 "Children\'s Social Care"'))
    assert rec(app_db, "H-19").agency_id == rec(app_db, "H-27").agency_id


def test_agency_that_does_not_exist_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(ADMIN, 'agency H-19 "Nowhere Trust"'))
    assert is_error_with_example(body)


def test_signoff_assures_a_completed_recommendation(slack: SlackDriver, app_db: Database) -> None:
    body = acked(slack.command(CHAIR, "signoff H-13"))
    assert "signed off" in shown(body)
    assert rec(app_db, "H-13").status == Status.assured


def test_signoff_of_open_work_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(CHAIR, "signoff H-12"))
    assert is_error_with_example(body)


def test_reject_sends_back_and_tells_the_owner(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    body = acked(slack.command(CHAIR, "reject H-16 The audit covered one team only"))
    assert "sent back" in shown(body)
    assert rec(app_db, "H-16").status == Status.in_progress
    dm = fake.wait_for(lambda c: c.method == "chat.postMessage" and c.params["channel"] == TVP_LEAD)
    assert "H-16" in dm.params["text"]


def test_reject_without_a_reason_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(CHAIR, "reject H-21"))
    assert is_error_with_example(body)


def test_summary_is_ephemeral_unless_public(slack: SlackDriver, fake: FakeSlack) -> None:
    """Made after the ack: a private summary replaces its placeholder; a public one is posted
    to the channel, and the ephemeral placeholder stays as the person's receipt."""
    fake.clear()
    placeholder = acked(slack.command(CHAIR, "summary H"))
    assert placeholder["response_type"] == "ephemeral" and "Reading review H" in shown(placeholder)
    private = fake.wait_for("response_url").params["payload"]
    assert private["response_type"] == "ephemeral" and "By agency" in shown(private)
    assert private["replace_original"] is True
    fake.clear()
    acked(slack.command(CHAIR, "summary H public"))
    public = fake.wait_for("response_url").params["payload"]
    assert public["response_type"] == "in_channel" and "By agency" in shown(public)
    assert public["replace_original"] is False


def test_summary_of_an_unknown_review_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(CHAIR, "summary ZZ"))
    assert is_error_with_example(body)


def test_sample_posts_in_channel_for_a_chair(slack: SlackDriver) -> None:
    body = acked(slack.command(CHAIR, "sample 2"))
    assert body["response_type"] == "in_channel"
    assert "Sample of" in shown(body) or "Nothing to sample" in shown(body)


def test_sample_by_a_member_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "sample 2"))
    assert ":warning:" in shown(body)


def test_sample_with_a_bad_number_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(CHAIR, "sample lots"))
    assert is_error_with_example(body)


# --- people ---------------------------------------------------------------------------------


def test_away_and_back(slack: SlackDriver, app_db: Database) -> None:
    acked(slack.command(CSC_LEAD, f"away until 2015-04-20 <@{ADMIN}|sam>"))
    with app_db.unit_of_work(write=False) as uow:
        me = uow.session.get(Person, CSC_LEAD)
        assert me is not None and str(me.away_until) == "2015-04-20"
    body = acked(slack.command(CSC_LEAD, "back"))
    assert "Welcome back" in shown(body)
    with app_db.unit_of_work(write=False) as uow:
        me = uow.session.get(Person, CSC_LEAD)
        assert me is not None and me.away_until is None


def test_away_until_a_past_date_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(CSC_LEAD, "away until 2014-01-01"))
    assert is_error_with_example(body)


def test_back_with_extra_words_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(CSC_LEAD, "back tomorrow"))
    assert ":warning:" in shown(body)


def test_theme_lists_across_reviews_in_the_place_of_its_placeholder(
    slack: SlackDriver, fake: FakeSlack
) -> None:
    """A list across every review is read after the ack (it sorts every match, 100,000
    nationally): the ack says so, and the list then replaces it."""
    fake.clear()
    body = acked(slack.command(MEMBER, 'theme "record keeping"'))
    assert "Reading every review" in shown(body) and "H-1" not in shown(body)
    answer = fake.wait_for("response_url").params["payload"]
    assert "H-1" in shown(answer) and answer["replace_original"] is True


def test_a_list_across_every_review_replaces_its_placeholder_too(
    slack: SlackDriver, fake: FakeSlack
) -> None:
    fake.clear()
    body = acked(slack.command(MEMBER, "list rag:red"))
    assert "Reading every review" in shown(body)
    answer = fake.wait_for("response_url").params["payload"]
    assert "H-2" in shown(answer) and answer["replace_original"] is True


def test_a_list_across_every_review_naming_no_agency_is_refused_after_the_ack(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    fake.clear()
    before_ack = unchanged_after(app_db, lambda: slack.command(MEMBER, 'list agency:"Nope"'))
    assert "Reading every review" in shown(before_ack)
    answer = fake.wait_for("response_url").params["payload"]
    assert ":warning:" in shown(answer) and "Nope" in shown(answer)


def test_theme_without_a_name_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "theme"))
    assert is_error_with_example(body)


# --- modals from commands -------------------------------------------------------------------


def test_add_opens_the_add_modal(slack: SlackDriver, fake: FakeSlack) -> None:
    acked(slack.command(ADMIN, "add"))
    opened = fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == ids.ADD_MODAL


def test_add_with_text_but_an_unknown_review_is_refused(
    slack: SlackDriver, app_db: Database
) -> None:
    body = unchanged_after(app_db, lambda: slack.command(ADMIN, 'add ZZ "Share the plan"'))
    assert is_error_with_example(body)


def test_add_inline_adds_a_recommendation(slack: SlackDriver, app_db: Database) -> None:
    body = acked(slack.command(ADMIN, 'add H "Publish the learning summary" due:31/5/2015'))
    assert "Added H-37" in shown(body)
    assert rec(app_db, "H-37").status == Status.not_started


def test_settings_opens_the_settings_modal_for_an_admin(
    slack: SlackDriver, fake: FakeSlack
) -> None:
    acked(slack.command(ADMIN, "settings"))
    assert fake.wait_for("views.open").params["view"]["callback_id"] == ids.SETTINGS_MODAL


def test_settings_by_a_member_is_refused(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "settings"))
    assert ":warning:" in shown(body)
    assert fake.calls("views.open") == []


def test_import_opens_the_import_modal_for_an_admin(slack: SlackDriver, fake: FakeSlack) -> None:
    acked(slack.command(ADMIN, "import"))
    assert fake.wait_for("views.open").params["view"]["callback_id"] == ids.IMPORT_MODAL


def test_import_by_a_member_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(MEMBER, "import"))
    assert ":warning:" in shown(body)


def test_a_chair_keeps_the_chair_role(app_db: Database) -> None:
    with app_db.unit_of_work(write=False) as uow:
        chairs = uow.session.exec(select(BoardRole.user_id).where(BoardRole.role == "chair")).all()
    assert CHAIR in chairs


# --- report and remind ----------------------------------------------------------------------


def test_report_uploads_a_file(slack: SlackDriver, fake: FakeSlack) -> None:
    body = acked(slack.command(CHAIR, "report H csv"))
    assert "Preparing" in shown(body)  # acked first; the paper follows
    upload = fake.wait_for("files.completeUploadExternal", timeout=20)
    assert upload.params["channel_id"] == slack.channel
    answer = fake.wait_for("response_url", timeout=20).params["payload"]
    assert answer["response_type"] == "in_channel"


def test_report_with_a_bad_format_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(CHAIR, "report H pptx"))
    assert ":warning:" in shown(body)


def test_remind_sends_the_owner_a_reminder(slack: SlackDriver, fake: FakeSlack) -> None:
    acked(slack.command(ADMIN, "remind H-12"))
    # Sent through the reminder ledger: conversations.open, then a post in the DM channel.
    fake.wait_for(
        lambda c: c.method == "chat.postMessage"
        and c.params["channel"] in (TVP_LEAD, fake.dm_channel(TVP_LEAD))
    )


def test_remind_without_a_ref_is_refused(slack: SlackDriver, app_db: Database) -> None:
    body = unchanged_after(app_db, lambda: slack.command(ADMIN, "remind"))
    assert is_error_with_example(body)


def test_a_lead_officer_imported_by_email_owns_their_recommendations_from_their_first_command(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    """An action plan names a lead officer by email; before any sweep has found them in
    Slack, their first `/recs` already lists what they lead, and their updates are theirs."""
    from datetime import date

    from bot import services
    from bot.imports import ParsedRecommendation
    from bot.imports import records as importing
    from bot.rules.permissions import SYSTEM

    with app_db.unit_of_work() as uow:
        review = services.get_review(uow.session, "H", boards=EVERY_BOARD)
        [ref] = importing.import_recommendations(
            uow,
            SYSTEM,
            review,
            [
                ParsedRecommendation(
                    label="40",
                    text="Re-audit the pre-birth pathway with the midwifery service",
                    agency="Children's Social Care",
                    lead_officer="Kim.First@example.org",
                    due_on=date(2015, 9, 30),
                    timescale="30/9/2015",
                )
            ],
        ).created
        uow.commit()
    fake.add_user("U0KIMFIRST", real_name="Kim First", email="kim.first@example.org")
    home = shown(acked(slack.command("U0KIMFIRST", "")))
    assert ref in home, home
    reply = shown(acked(slack.command("U0KIMFIRST", f"note {ref} Pathway audit booked for June")))
    assert ":warning:" not in reply, reply
    assert rec(app_db, ref).lead_officer_id == "U0KIMFIRST"
