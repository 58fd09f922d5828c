"""The private support path: a calibrated rule, a page that leads on to the report, a quick
exit, and resources from the deployment's own file."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from interdep.assessments.support import parse_resources, support_resources
from interdep.demo import demo_answers
from interdep.science.errors import ContentError

from .conftest import submit


def _answers(seed: int = 1, **safety: int) -> dict[str, int]:
    return {**demo_answers(seed, lean=0.6), **safety}


def _submit_through_the_site(client, answers) -> str:
    client.post("/assessment/answer/", answers)
    return client.post("/assessment/submit/").url


def test_holding_back_opinions_mostly_true_leads_to_the_report_not_the_support_page(client, alice):
    client.force_login(alice)
    where = _submit_through_the_site(client, _answers(hon_s4=4))
    assert where.startswith("/report/")
    page = client.get(where).content.decode()
    assert "A note just for you" not in page
    # ...but a quiet, private pointer to support is there.
    assert "support is here" in page and 'href="/support/"' in page


def test_threats_lead_to_the_support_page_which_leads_on_to_the_report(client, alice):
    client.force_login(alice)
    assert _submit_through_the_site(client, _answers(hon_p2=4)) == "/support/"
    page = client.get("/support/").content.decode()
    assert "feel afraid, pressured or watched" in page
    assert 'href="/report/">Continue to my report' in page
    report = client.get("/report/", follow=True).content.decode()
    assert "Your report" in report


def test_the_quick_exit_leaves_and_replaces_history_from_a_static_script(client, alice, settings):
    settings.QUICK_EXIT_URL = "https://weather.example/"
    client.force_login(alice)
    page = client.get("/support/").content.decode()
    assert re.search(r'<a [^>]*href="https://weather.example/"[^>]*data-quick-exit', page)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert all(body.strip() == "" for _, body in scripts), "no inline script under the CSP"
    assert any("js/quick-exit.js" in attrs for attrs, _ in scripts)
    js = (resources.files("interdep") / "static/js/quick-exit.js").read_text()
    assert "location.replace(" in js


def test_the_shipped_resources_invent_no_phone_number_or_address():
    shipped = support_resources()
    assert [r.name for r in shipped] == ["Your local emergency number"]
    assert all(not r.phone and not r.web for r in shipped)
    text = (resources.files("interdep.content") / "support_resources.toml").read_text()
    entries = text[text.index("[[resources]]") :]
    assert not re.search(r"\d{3}", entries), "no number of any kind in the shipped entries"


def test_an_operators_file_lists_their_services_on_the_page(client, tmp_path, settings):
    own = tmp_path / "support.toml"
    own.write_text(
        "[[resources]]\n"
        'country = "XX"\nname = "Example Helpline"\nphone = "0800 000 000"\n'
        'web = "https://help.example/"\nhours = "24 hours, every day"\n'
    )
    settings.SUPPORT_RESOURCES_FILE = str(own)
    page = client.get("/support/").content.decode()
    assert "Example Helpline" in page and 'href="tel:0800000000"' in page
    assert "https://help.example/" in page and "24 hours, every day" in page


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('country = "XX"\n', "missing field 'name'"),
        ('name = "X"\nweb = "http://x.example"\n', "must start with https://"),
        ('name = "X"\nfax = "1"\n', "unknown field"),
    ],
)
def test_a_broken_resources_file_names_the_entry_and_field(entry, message):
    with pytest.raises(ContentError, match=f"support resource #1: .*{message}"):
        parse_resources("[[resources]]\n" + entry)


def test_the_stored_decision_uses_the_calibrated_rule(alice, bob):
    assert not submit(alice, answers=_answers(hon_s4=5)).safety_raised
    assert submit(bob, answers=_answers(hon_s4=5, no_s5=5)).safety_raised
