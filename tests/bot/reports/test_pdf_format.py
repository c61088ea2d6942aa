"""`pdf` is a paper format where LibreOffice is installed; where it is not, asking for one is
refused at once, before Slack's ack, with the docx offered instead."""

from __future__ import annotations

import pytest

from bot.commands.dispatch import CommandRunner
from bot.reports import pdf
from bot.reports.issue import check_format
from storage.db import Database
from tests.conftest import CHAIR


def test_without_libreoffice_a_pdf_is_refused_before_the_ack(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    reply = CommandRunner(demo_db).run(CHAIR, "report H pdf as-of 31/10/2014")
    assert not reply.ok and reply.later is None
    assert "needs LibreOffice" in reply.text and "docx" in reply.text


def test_pdf_is_a_format_where_libreoffice_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert check_format("PDF") == "pdf"
