"""Real H5P Hub content types played in Chromium in French and in Arabic (RTL), through
the sandboxed player and the postMessage bridge: each reports its score to the server.

The libraries are the published ones (see ``tests/h5p/hub.py`` for where they come from);
the content (questions, answers) is written here. A type whose libraries are not on the
machine is skipped, naming the missing library."""

import pytest

from courses.h5p.models import H5PPackage, H5PResult
from courses.h5p.services import h5p_activity_create, h5p_package_import
from tests import factories as common
from tests.h5p import hub
from tests.h5p.factories import lesson_with
from tests.h5p.test_browser import SHOTS, enrol, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fr": {
        "false": "Faux",
        "score": "Vous avez obtenu @score point(s) sur @total",
        "fill": "Complétez les blancs.",
        "dragtask": "Glissez les mots dans les cases.",
        "q": "Le registre d'état civil est tenu par la commune.",
        "mc": "Qui signe l'acte de naissance ?",
        "right": "L'officier d'état civil",
        "wrong": "Le gardien",
        "blank": "Le bureau d'ordre enregistre le *courrier* reçu.",
        "drag": "Le bureau d'ordre enregistre le *courrier* reçu.",
        "true": "Vrai",
        "check": "Vérifier",
        "next": "Question suivante",
        "finish": "Terminer",
    },
    "ar": {
        "false": "خطأ",
        "score": "حصلت على @score من @total",
        "fill": "أكمل الفراغات.",
        "dragtask": "اسحب الكلمات إلى الخانات.",
        "q": "تمسك الجماعة سجل الحالة المدنية.",
        "mc": "من يوقّع رسم الولادة؟",
        "right": "ضابط الحالة المدنية",
        "wrong": "الحارس",
        "blank": "يسجل مكتب الضبط *البريد* الوارد.",
        "drag": "يسجل مكتب الضبط *البريد* الوارد.",
        "true": "صحيح",
        "check": "تحقق",
        "next": "السؤال التالي",
        "finish": "إنهاء",
    },
}


def true_false(folder, lang):
    t = TEXT[lang]
    content = {"question": f"<p>{t['q']}</p>", "correct": "true"}
    content = hub.authored(folder, lang, content)
    content["l10n"] = {
        **content.get("l10n", {}),
        "trueText": t["true"],
        "falseText": t["false"],
        "checkAnswer": t["check"],
        "a11yCheck": t["check"],
        "score": t["score"],
    }
    content.setdefault("behaviour", {})["feedbackOnCorrect"] = "✓"
    return content


def multi_choice(lang):
    t = TEXT[lang]
    content = {
        "question": f"<p>{t['mc']}</p>",
        "answers": [
            {"text": f"<div>{t['right']}</div>", "correct": True, "tipsAndFeedback": {}},
            {"text": f"<div>{t['wrong']}</div>", "correct": False, "tipsAndFeedback": {}},
        ],
        "behaviour": {"randomAnswers": False},
        "overallFeedback": [{"from": 0, "to": 100}],
    }
    content = hub.authored("H5P.MultiChoice-1.16", lang, content)
    content["UI"].update({"checkAnswerButton": t["check"], "a11yCheck": t["check"]})
    return content


def blanks(lang):
    t = TEXT[lang]
    content = {
        "text": t["fill"],
        "questions": [f"<p>{t['blank']}</p>"],
        "checkAnswer": t["check"],
        "score": t["score"],
        "a11yCheck": t["check"],
    }
    return hub.authored("H5P.Blanks-1.7", lang, content)


def drag_text(lang):
    t = TEXT[lang]
    content = {
        "taskDescription": t["dragtask"],
        "textField": t["drag"],
        "checkAnswer": t["check"],
        "score": t["score"],
    }
    return hub.authored("H5P.DragText-1.5", lang, content)


def question_set(lang):
    t = TEXT[lang]
    content = {
        "introPage": {"showIntroPage": False},
        "progressType": "dots",
        "passPercentage": 50,
        "questions": [
            {
                "library": "H5P.MultiChoice 1.16",
                "params": multi_choice(lang),
                "subContentId": "7b1c7c61-5a2e-4a4e-9a57-0d5f0a1c0001",
            },
            {
                "library": "H5P.TrueFalse 1.8",
                "params": true_false("H5P.TrueFalse-1.8", lang),
                "subContentId": "7b1c7c61-5a2e-4a4e-9a57-0d5f0a1c0002",
            },
        ],
        "endGame": {"showResultPage": True, "showAnimations": False, "skippable": False},
        "override": {"checkButton": True},
    }
    content = hub.authored("H5P.QuestionSet-1.20", lang, content)
    content["texts"].update({"nextButton": t["next"], "finishButton": t["finish"]})
    # The library's own ar.json leaves this one in English.
    content["endGame"]["message"] = {"fr": "Vos résultats :", "ar": "نتيجتك:"}[lang]
    return content


def check(frame, lang):
    """The visible check button, found by its text in the lesson's language."""
    frame.get_by_text(TEXT[lang]["check"], exact=True).locator("visible=true").first.click()


def answer_true_false(frame, lang):
    frame.get_by_text(TEXT[lang]["true"], exact=True).locator("visible=true").first.click()
    check(frame, lang)


def answer_multi_choice(frame, lang):
    frame.get_by_text(TEXT[lang]["right"]).locator("visible=true").first.click()
    check(frame, lang)


def answer_blanks(frame, lang):
    word = "courrier" if lang == "fr" else "البريد"
    frame.locator("input.h5p-text-input").fill(word)
    check(frame, lang)


def answer_drag_text(frame, lang):
    frame.locator(".h5p-drag-draggable").first.drag_to(frame.locator(".h5p-drag-dropzone").first)
    check(frame, lang)


def answer_question_set(frame, lang):
    answer_multi_choice(frame, lang)
    # The set's "next" is an icon button named by its aria-label.
    frame.get_by_label(TEXT[lang]["next"], exact=True).locator("visible=true").first.click()
    answer_true_false(frame, lang)
    frame.get_by_text(TEXT[lang]["finish"], exact=True).locator("visible=true").first.click()


CASES = {
    # type: (main library folder, sub-content folders, content, answer, expected max score)
    "TrueFalse-1.6-npm": (
        "H5P.TrueFalse-1.6",
        (),
        lambda lang: true_false("H5P.TrueFalse-1.6", lang),
        answer_true_false,
        1,
    ),
    "TrueFalse": (
        "H5P.TrueFalse-1.8",
        (),
        lambda lang: true_false("H5P.TrueFalse-1.8", lang),
        answer_true_false,
        1,
    ),
    "MultiChoice": ("H5P.MultiChoice-1.16", (), multi_choice, answer_multi_choice, 1),
    "Blanks": ("H5P.Blanks-1.7", (), blanks, answer_blanks, 1),
    "DragText": ("H5P.DragText-1.5", (), drag_text, answer_drag_text, 1),
    "QuestionSet": (
        "H5P.QuestionSet-1.20",
        ("H5P.MultiChoice-1.16", "H5P.TrueFalse-1.8"),
        question_set,
        answer_question_set,
        2,
    ),
}


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield context, page
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("case", list(CASES))
def test_hub_content_type_plays_in_the_lessons_language_and_reports_its_score(
    case, lang, live_server, browser_page, client, settings
):
    settings.H5P = {"MIN_SECONDS_BEFORE_RESULT": 0}
    main, uses, make_content, answer, score_max = CASES[case]
    hub.require(main, *uses)
    data = hub.hub_package(
        main, make_content(lang), title=f"{case} {lang}", language=lang, uses=uses
    )
    package = h5p_package_import(file=data)
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY, package.errors
    key = f"hub-{case.lower()}-{lang}".replace(".", "-")
    activity = h5p_activity_create(key=key, title=case, package=package, language=lang)
    lesson = lesson_with(activity)
    if lang == "ar":
        from wagtail.models import Locale

        lesson.locale = Locale.objects.get_or_create(language_code="ar")[0]
        lesson.save()
    user = common.UserFactory()
    enrol(user, lesson)
    context, page = browser_page
    sign_in(context, client, live_server, user)
    page.goto(live_server.url + lesson.url)
    page.wait_for_load_state("networkidle")
    holder = f"#h5p-{key}-{lesson.pk}"
    start = page.locator(f"{holder} [data-h5p-start]")
    if start.count():  # the player starts by itself once in view
        start.dispatch_event("click")
    page.locator(f"{holder} iframe").wait_for()
    frame = page.frame_locator(f"{holder} iframe")
    frame.locator(".h5p-content").wait_for()
    assert frame.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    with page.expect_response(
        lambda r: "/api/xapi/statements" in r.url and r.request.method in ("POST", "PUT"),
        timeout=20_000,
    ):
        answer(frame, lang)
    page.wait_for_timeout(1500)  # the last statement (a set's "completed") follows its parts
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(holder).screenshot(path=str(SHOTS / f"h5p-hub-{case}-{lang}.png"))
    result = H5PResult.objects.filter(user=user, activity=activity).first()
    assert result is not None, "no score reached the server"
    assert (result.score_raw, result.score_max) == (score_max, score_max)
