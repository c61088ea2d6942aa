"""Evidence links a chair can trust: http(s) only, no user name before the host, the host
IDNA-normalised, no invisible or direction-changing characters; and the real host shown
beside any label."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.rules.text import clean_url, link_host, shown_with_host

SPOOFS = {
    "userinfo before the host": "https://www.gov.uk@evil.example/",
    "userinfo with a password": "https://www.gov.uk:443@evil.example/guidance",
    "encoded userinfo": "https://www.gov.uk%40evil.example/",
    "a zero-width space in the host": "https://www.gov\u200b.uk/guidance",
    "a zero-width joiner in the host": "https://gov\u200d.uk/",
    "an RTL override in the path": "https://example.org/report\u202efdp.exe",
    "a left-to-right isolate": "https://example.org/\u2066x\u2069",
    "a soft hyphen in the host": "https://gov\u00ad.uk/",
    "a Hangul filler in the path": "https://example.org/\u3164",
    "a byte order mark": "https://example.org/\ufeffx",
    "a control character": "https://example.org/\x07",
    "a backslash before the at sign": "https://www.gov.uk\\@evil.example/",
    "javascript": "javascript:alert(1)",
    "a data URL": "data:text/html,<script>alert(1)</script>",
    "ftp": "ftp://example.org/x",
    "no host": "https:///path",
    "a host without a domain": "https://intranet/x",
    "a bad port": "https://example.org:99999/x",
    "an underscore in the host": "https://my_host.example/",
    "an IPv6 literal": "https://[::1]/x",
    "one slash": "https:/example.org/x",
}


@pytest.mark.parametrize("case", list(SPOOFS))
def test_a_link_that_could_lie_about_where_it_goes_is_refused(case: str) -> None:
    with pytest.raises(UserError) as refused:
        clean_url(SPOOFS[case])
    assert refused.value.example


def test_a_plain_web_link_is_kept() -> None:
    for url in (
        "https://example.org/audit.pdf",
        "http://example.org/a?b=1#c",
        "https://www.gov.uk/guidance/working-together",
        "https://example.org:8443/x",
        "http://localhost:8080/report",
        "https://10.1.2.3/share",
        "https://example.org/caf%C3%A9",
    ):
        assert clean_url(url) == url


def test_the_host_is_stored_idna_normalised_and_lower_case() -> None:
    assert clean_url("HTTPS://Bücher.Example/Über") == "https://xn--bcher-kva.example/Über"
    assert clean_url("<https://Example.ORG/a|the audit>") == "https://example.org/a"


def test_the_real_host_is_shown_beside_a_label() -> None:
    assert link_host("https://xn--bcher-kva.example/x") == "xn--bcher-kva.example"
    assert shown_with_host("GOV.UK guidance", "https://evil.example/x") == (
        "GOV.UK guidance (evil.example)"
    )
    assert shown_with_host("", "https://example.org/a") == "https://example.org/a"
    assert shown_with_host("Audit", None) == "Audit"
