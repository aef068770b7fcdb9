import re

import pytest
from django.utils import translation

from diagnostic.bank import bank
from diagnostic.models import Diagnostic
from tests.diagnostic import factories

pytestmark = pytest.mark.django_db


def _page(client, n, language="fr"):
    return client.get(f"/{language}/diagnostic/page/{n}/")


def test_a_learner_takes_the_diagnostic_page_by_page_and_reads_the_profile(people, client):
    user = people["learners"]["c1"]
    client.force_login(user)
    assert client.post("/fr/diagnostic/start/").status_code == 302
    d = Diagnostic.objects.get(user=user)
    right = factories.answers_for(d, all_right=True)
    for n in range(5):
        html = _page(client, n).content.decode()
        ids = re.findall(r'name="q-([0-9.]+-[a-z])"', html)
        codes = sorted(set(re.findall(r'name="r-([0-9.]+)"', html)))
        data = {f"q-{qid}": [str(p) for p in right[qid]] for qid in set(ids)}
        data.update({f"r-{c}": "4" for c in codes})
        data["action"] = "next"
        response = client.post(f"/fr/diagnostic/page/{n}/", data)
        assert response.status_code == 302
    assert response["Location"].endswith("/diagnostic/review/")
    response = client.post("/fr/diagnostic/review/")
    d.refresh_from_db()
    assert d.status == "submitted" and d.score == 100
    html = client.get(response["Location"]).content.decode()
    assert "Hautement spécialisé" in html
    assert "<svg" in html and "<table" in html


def test_the_page_shows_positions_never_the_right_answers(people, client):
    user = people["learners"]["c1"]
    client.force_login(user)
    client.post("/fr/diagnostic/start/")
    d = Diagnostic.objects.get(user=user)
    html = _page(client, 3, "ar").content.decode()
    questions = bank()
    for item in d.questions:
        q = questions[item["id"]]
        if not item["id"].startswith("4."):
            continue
        values = re.findall(rf'name="q-{re.escape(q.id)}" value="(\d+)"', html)
        assert values == [str(i) for i in range(q.option_count)]
        for position, index in enumerate(item["order"]):
            assert q.texts["ar"]["options"][index] in html
            assert position == values.index(str(position))
    assert "answer" not in html.lower().replace("answered", "")
    assert "correct" not in html.lower()


def test_saving_and_finishing_later_keeps_the_answers_and_the_place(people, client):
    user = people["learners"]["c1"]
    client.force_login(user)
    client.post("/fr/diagnostic/start/")
    d = Diagnostic.objects.get(user=user)
    qid = next(i["id"] for i in d.questions if i["id"].startswith("2."))
    client.post("/fr/diagnostic/page/1/", {f"q-{qid}": "0", "action": "later"})
    d.refresh_from_db()
    assert d.page == 1 and qid in d.answers
    html = client.get("/fr/diagnostic/").content.decode()
    assert "/fr/diagnostic/page/1/" in html
    assert re.search(
        rf'name="q-{re.escape(qid)}" value="0" checked', _page(client, 1).content.decode()
    )


def test_a_bad_answer_shows_a_message_in_the_learners_language_and_saves_nothing(people, client):
    user = people["learners"]["c1"]
    client.force_login(user)
    client.post("/fr/diagnostic/start/")
    d = Diagnostic.objects.get(user=user)
    qid = next(i["id"] for i in d.questions if i["id"].startswith("1."))
    response = client.post("/ar/diagnostic/page/0/", {f"q-{qid}": "99", "r-1.1": "x"}, follow=True)
    d.refresh_from_db()
    assert d.answers == {}
    with translation.override("ar"):
        assert translation.gettext("An answer is not valid.") in response.content.decode()


def test_someone_elses_results_are_not_found(people, client):
    d = factories.submitted(people["learners"]["c1"])
    client.force_login(people["learners"]["c2"])
    assert client.get(f"/fr/diagnostic/results/{d.pk}/").status_code == 404


def test_the_results_page_shows_the_change_since_the_previous_diagnostic(people, client):
    user = people["learners"]["c1"]
    factories.submitted(user, right=set(), days_ago=30)
    d = factories.submitted(user, right={"1.1"}, seed=2)
    client.force_login(user)
    html = client.get(f"/fr/diagnostic/results/{d.pk}/").content.decode()
    assert "+100" in html
    assert html.count("/fr/diagnostic/results/") >= 2  # both sittings listed
