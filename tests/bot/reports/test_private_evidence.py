"""A board paper is a file: once uploaded to a channel, or issued and produced again for
whoever asks, anyone who holds it reads it. So no paper carries evidence taken from a private
channel (its link, its words): it says that the recommendation has such an item, which its
channel's members and the board's chairs and admins see in Slack (`/recs show`)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from bot.reports.issue import produce
from storage.db import Database
from tests.support import second_board as bravo

PRIVATE_WORDS = "bravo private case notes"


@pytest.fixture
def bravo_db(demo_db: Database) -> Database:
    bravo.add_second_board(demo_db)
    return demo_db


def all_text(fmt: str, content: bytes) -> str:
    if fmt == "csv":
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # docx and xlsx: their XML, whole
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
def test_no_paper_carries_a_private_channels_evidence(bravo_db: Database, fmt: str) -> None:
    with bravo_db.unit_of_work(write=False) as uow:
        made, _ = produce(uow.session, bravo.REVIEW, fmt, None, uow.now)
    text = all_text(fmt, made.content)
    assert bravo.PRIVATE_LINK not in text and PRIVATE_WORDS not in text
    if fmt != "docx":  # the tracker lists each item of evidence; the paper counts them
        assert bravo.PUBLIC_LINK in text
        assert "private channel" in text
