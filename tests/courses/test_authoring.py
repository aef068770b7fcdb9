import re

from django.test import RequestFactory
from wagtail.models import Locale, Page, Workflow, WorkflowState

from courses.models import CataloguePage, CoursePage, LessonPage
from courses.services import course_grant_trainer, courses_permissions_setup
from tests.factories import reviewer, trainer


def _course(slug, lang="fr"):
    return CoursePage.objects.get(slug=slug, locale__language_code=lang)


def test_permissions_setup_is_idempotent_and_puts_workflow_on_both_catalogues(demo):
    courses_permissions_setup()
    workflow = Workflow.objects.get(name="Course review")
    assert Workflow.objects.filter(name="Course review").count() == 1
    for catalogue in CataloguePage.objects.all():
        assert catalogue.get_workflow() == workflow
    assert _course("registre-numerique", "ar").get_workflow() == workflow
    assert [t.specific.groups.get().name for t in workflow.tasks.all()] == ["Reviewers"]


def test_trainer_edits_only_the_courses_granted_to_them(demo, client):
    alice, bob = trainer(username="alice"), trainer(username="bob")
    registre, securite = _course("registre-numerique"), _course("securite-donnees")
    course_grant_trainer(course=_course("registre-numerique", "ar"), user=alice)
    course_grant_trainer(course=securite, user=bob)

    lesson = LessonPage.objects.descendant_of(registre).first()
    assert registre.permissions_for_user(alice).can_edit()
    assert lesson.permissions_for_user(alice).can_edit()
    assert _course("registre-numerique", "ar").permissions_for_user(alice).can_edit()
    assert not securite.permissions_for_user(alice).can_edit()
    assert not registre.permissions_for_user(bob).can_edit()
    assert not registre.permissions_for_user(alice).can_publish()

    client.force_login(alice)
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200
    other_lesson = LessonPage.objects.descendant_of(securite).first()
    response = client.get(f"/admin/pages/{other_lesson.pk}/edit/")
    assert response.status_code in (302, 403)


def test_workflow_submit_approve_publish(demo, client):
    alice = trainer(username="alice")
    rita = reviewer(username="rita")
    course = _course("registre-numerique")
    course_grant_trainer(course=course, user=alice)
    lesson = LessonPage.objects.descendant_of(course).first()

    # The trainer edits and submits for review through the admin.
    client.force_login(alice)
    edit_url = f"/admin/pages/{lesson.pk}/edit/"
    client.get(edit_url)
    lesson.title = "Enregistrer un courrier (révisé)"
    revision = lesson.save_revision(user=alice)
    state = lesson.get_workflow().start(lesson, alice)
    lesson.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert (
        lesson.live and Page.objects.get(pk=lesson.pk).title == "Enregistrer un courrier"
    )  # not yet published

    # The trainer cannot approve their own submission; the reviewer can.
    task_state = state.current_task_state
    task = task_state.task.specific
    assert not any(name == "approve" for name, *_ in task.get_actions(lesson, alice))
    assert any(name == "approve" for name, *_ in task.get_actions(lesson, rita))
    task.on_action(task_state, rita, "approve")

    state.refresh_from_db()
    lesson.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert lesson.title == "Enregistrer un courrier (révisé)"
    assert lesson.live_revision_id == revision.pk


def test_reviewer_sees_approve_action_in_admin_after_submission_via_edit_view(demo, client):
    alice = trainer(username="alice")
    course = _course("registre-numerique")
    course_grant_trainer(course=course, user=alice)
    lesson = LessonPage.objects.descendant_of(course).first()
    client.force_login(alice)
    response = client.get(f"/admin/pages/{lesson.pk}/edit/")
    assert response.status_code == 200
    assert b"action-submit" in response.content
    assert b"action-publish" not in response.content


def test_preview_renders_the_lesson_like_the_learner_page(demo, client, learner):
    admin = trainer(username="alice", is_superuser=True, is_staff=True)
    lesson = LessonPage.objects.get(slug="enregistrer", locale__language_code="fr")
    client.force_login(learner)
    live_html = client.get(lesson.url).content.decode()
    client.force_login(admin)
    # The preview request carries the editor's session cookie, as the admin's does.
    original = RequestFactory().get(
        "/admin/", HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}"
    )
    preview = lesson.make_preview_request(original_request=original).content.decode()

    def article(html):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html[html.index("<article") : html.index("</article>")]

    def without_quiz(html):
        return re.sub(r'<section class="card block-quiz".*?</section>', "", html, flags=re.S)

    assert "block-quiz" in article(live_html)
    assert without_quiz(article(preview)) == without_quiz(article(live_html))
    # The quiz itself is shown, not started, in a preview (nothing is recorded there).
    assert "<form" not in article(preview).split("block-quiz")[1]
    assert "<form" in article(live_html).split("block-quiz")[1]


def test_admin_forms_and_digcomp_snippets_render(demo, client):
    admin = trainer(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    course = _course("registre-numerique")
    catalogue = course.get_parent()
    lesson = LessonPage.objects.descendant_of(course).first()
    for url in (
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/add/courses/coursepage/{catalogue.pk}/",
        "/admin/snippets/courses/competence/",
        "/admin/snippets/courses/competencearea/",
    ):
        assert client.get(url).status_code == 200, url


# --- A trainer authors and translates a course in the admin ---------------------------------

from wagtail.test.utils.form_data import nested_form_data, streamfield  # noqa: E402


def _page_form(**fields):
    return nested_form_data(
        {
            "comments": {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            },
            **fields,
        }
    )


def _course_form(title, slug):
    return _page_form(
        title=title,
        slug=slug,
        summary="Résumé du cours",
        theme="digital-basics",
        level="beginner",
        estimated_hours="2.0",
        pass_mark=70,
        max_attempts=3,
        attempt_spacing_hours=0,
        final_time_limit_minutes=0,
        final_draw=0,
        certificate_validity_months=0,
        recertification_window_days=60,
        final_assessment=streamfield([]),
    )


def _add(client, model, parent, data):
    return client.post(f"/admin/pages/add/courses/{model}/{parent.pk}/", data)


def test_groups_rights_and_workflow_exist_after_migrate_without_the_demo(db):
    from django.contrib.auth.models import Group

    trainers = Group.objects.get(name="Trainers")
    assert trainers.permissions.filter(codename="submit_translation").exists()
    assert trainers.permissions.filter(codename="access_admin").exists()
    assert Group.objects.filter(name="Reviewers").exists()
    assert Workflow.objects.filter(name="Course review").exists()


def test_trainer_creates_a_course_adds_module_and_lesson_and_translates_it(
    demo, client, django_capture_on_commit_callbacks
):
    from courses.models import ModulePage
    from courses.tree import page_tree_problems

    alice = trainer(username="alice")
    catalogue = CataloguePage.objects.get(locale__language_code="fr")
    client.force_login(alice)
    assert client.get(f"/admin/pages/add/courses/coursepage/{catalogue.pk}/").status_code == 200
    response = _add(client, "coursepage", catalogue, _course_form("Mon cours", "mon-cours"))
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="mon-cours")
    assert course.permissions_for_user(alice).can_edit()
    assert not course.permissions_for_user(alice).can_publish()

    assert (
        _add(
            client, "modulepage", course, _page_form(title="Module 1", slug="module-1", intro="")
        ).status_code
        == 302
    )
    module = ModulePage.objects.get(slug="module-1")
    lesson_data = _page_form(
        title="Leçon 1",
        slug="lecon-1",
        body=streamfield([]),
        estimated_minutes=15,
        completion_rule="completed",
        completion_pass_mark=70,
    )
    assert _add(client, "lessonpage", module, lesson_data).status_code == 302

    ar = Locale.objects.get(language_code="ar")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/localize/submit/page/{course.pk}/",
            {"locales": [ar.pk], "include_subtree": "on"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert page_tree_problems() == {}
    course_ar = CoursePage.objects.get(translation_key=course.translation_key, locale=ar)
    module_ar = ModulePage.objects.get(translation_key=module.translation_key, locale=ar)
    assert course_ar.permissions_for_user(alice).can_edit()
    assert client.get(f"/admin/pages/{course_ar.pk}/edit/").status_code == 200

    # A new page under the Arabic module (used to fail: UNIQUE wagtailcore_page.path).
    extra = _page_form(
        title="درس إضافي",
        slug="dars-idafi",
        body=streamfield([]),
        estimated_minutes=10,
        completion_rule="completed",
        completion_pass_mark=70,
    )
    assert _add(client, "lessonpage", module_ar, extra).status_code == 302
    assert page_tree_problems() == {}
    assert module_ar.get_children().count() == 2


def test_trainer_cannot_add_to_or_edit_another_trainers_course(demo, client):
    alice, bob = trainer(username="alice"), trainer(username="bob")
    catalogue = CataloguePage.objects.get(locale__language_code="fr")
    client.force_login(alice)
    assert (
        _add(
            client, "coursepage", catalogue, _course_form("Cours d'Alice", "cours-alice")
        ).status_code
        == 302
    )
    course = CoursePage.objects.get(slug="cours-alice")

    client.force_login(bob)
    response = client.get(f"/admin/pages/add/courses/modulepage/{course.pk}/")
    assert response.status_code == 302
    assert (
        _add(
            client, "modulepage", course, _page_form(title="Intrus", slug="intrus", intro="")
        ).status_code
        == 302
    )
    assert not Page.objects.filter(slug="intrus").exists()
    assert not course.permissions_for_user(bob).can_edit()
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code in (302, 403)


def test_catalogue_created_by_an_admin_is_open_to_trainers(db, client):
    from tests.factories import platform_admin

    admin = platform_admin(username="root")
    client.force_login(admin)
    root = Page.get_first_root_node()
    response = client.post(
        f"/admin/pages/add/courses/cataloguepage/{root.pk}/",
        _page_form(title="Catalogue", slug="catalogue-neuf", intro=""),
    )
    assert response.status_code == 302
    catalogue = CataloguePage.objects.get(slug="catalogue-neuf")
    assert catalogue.permissions_for_user(trainer(username="alice")).can_add_subpage()
    assert catalogue.get_workflow() == Workflow.objects.get(name="Course review")


def test_trainer_submits_a_whole_course_in_one_action_and_reviewer_approves_it_in_one(demo, client):
    from courses.models import ModulePage

    alice, rita = trainer(username="alice"), reviewer(username="rita")
    course = _course("registre-numerique")
    course_grant_trainer(course=course, user=alice)
    module = ModulePage.objects.child_of(course).first()
    lessons = list(LessonPage.objects.descendant_of(course))
    lesson_ar = LessonPage.objects.get(
        translation_key=lessons[0].translation_key, locale__language_code="ar"
    )
    edited = [course, module, *lessons, lesson_ar]
    for page in edited:
        page = page.specific
        page.title = f"{page.title} (v2)"
        page.save_revision(user=alice)

    client.force_login(alice)
    url = f"/admin/courses/review/{course.pk}/submit/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert sorted(p.pk for p in confirm.context["pages"]) == sorted(p.pk for p in edited)
    assert client.post(url).status_code == 302
    states = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS)
    assert sorted(int(s.object_id) for s in states) == sorted(p.pk for p in edited)
    assert not Page.objects.filter(title__endswith="(v2)").exists()  # nothing published yet
    # The trainer cannot approve; nothing left for them to submit.
    assert client.post(f"/admin/courses/review/{course.pk}/approve/").status_code == 302
    assert not Page.objects.filter(title__endswith="(v2)").exists()

    client.force_login(rita)
    assert client.post(f"/admin/courses/review/{course.pk}/approve/").status_code == 302
    assert Page.objects.filter(title__endswith="(v2)", live=True).count() == len(edited)
    assert not WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).exists()


def test_another_trainer_cannot_submit_a_course_they_do_not_edit(demo, client):
    alice, bob, course = _course_of_alice_not_bob()
    lesson = LessonPage.objects.descendant_of(course).first()
    lesson.title = "Brouillon"
    lesson.save_revision(user=alice)
    client.force_login(bob)
    client.post(f"/admin/courses/review/{course.pk}/submit/")
    assert not WorkflowState.objects.exists()


def test_the_whole_course_review_screens_are_refused_to_those_without_rights_on_it(demo, client):
    alice, bob, course = _course_of_alice_not_bob()

    def refused(url):  # Wagtail's admin turns a PermissionDenied into a redirect to its home
        response = client.get(url)
        return response.status_code == 302 and response["Location"] == "/admin/"

    client.force_login(bob)
    assert refused(f"/admin/courses/review/{course.pk}/submit/")
    assert refused(f"/admin/courses/review/{course.pk}/approve/")
    client.force_login(alice)
    assert client.get(f"/admin/courses/review/{course.pk}/submit/").status_code == 200
    assert refused(f"/admin/courses/review/{course.pk}/approve/")


def _course_of_alice_not_bob(*, untranslated=False):
    """Two trainers and a demo course that alice edits and bob does not; ``untranslated``:
    without its Arabic translation, so that there is one to start."""
    alice, bob = trainer(username="alice"), trainer(username="bob")
    course = _course("registre-numerique")
    course_grant_trainer(course=course, user=alice)
    if untranslated:
        ar = Locale.objects.get(language_code="ar")
        CoursePage.objects.filter(translation_key=course.translation_key, locale=ar).delete()
    return alice, bob, course


def test_trainer_cannot_start_a_translation_of_another_trainers_course(
    demo, client, django_capture_on_commit_callbacks
):
    from django.urls import resolve

    alice, bob, course = _course_of_alice_not_bob(untranslated=True)
    ar = Locale.objects.get(language_code="ar")
    url = f"/admin/localize/submit/page/{course.pk}/"
    # ahead of wagtail-localize's own view at the same address
    assert resolve(url).url_name == "courses_submit_page_translation"

    client.force_login(bob)
    # Wagtail's admin answers a refusal by sending back to the dashboard with a message.
    shown = client.get(url)
    assert shown.status_code in (302, 403) and shown.get("Location") != url
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"locales": [ar.pk], "include_subtree": "on"})
    assert refused.status_code in (302, 403)
    assert refused.get("Location", "/admin/") == "/admin/"
    assert not CoursePage.objects.filter(translation_key=course.translation_key, locale=ar).exists()

    client.force_login(alice)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"locales": [ar.pk], "include_subtree": "on"})
    assert started.status_code == 302
    assert CoursePage.objects.filter(translation_key=course.translation_key, locale=ar).exists()


def test_translate_is_offered_only_on_the_courses_the_trainer_may_translate(demo, client):
    """wagtail-localize's "Translate this page" shows in the page header and in the listings'
    "more" menu; to a trainer who does not edit the course, it would only lead to a refusal."""
    alice, bob, course = _course_of_alice_not_bob(untranslated=True)
    ar = Locale.objects.get(language_code="ar")
    translate = f'href="/admin/localize/submit/page/{course.pk}/"'
    catalogue = course.get_parent()
    screens = {
        "catalogue listing": f"/admin/pages/{catalogue.pk}/",  # the course's "more" menu
        "course listing": f"/admin/pages/{course.pk}/",  # the header's "more" menu
    }

    client.force_login(alice)
    for name, url in {**screens, "editor": f"/admin/pages/{course.pk}/edit/"}.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert translate in response.content.decode(), name

    client.force_login(bob)
    for name, url in screens.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert translate not in response.content.decode(), name
    # ... while on his own course, in the same listing, it is offered
    own = _course("securite-donnees")
    course_grant_trainer(course=own, user=bob)
    CoursePage.objects.filter(translation_key=own.translation_key, locale=ar).delete()
    listing = client.get(screens["catalogue listing"]).content.decode()
    assert f'href="/admin/localize/submit/page/{own.pk}/"' in listing
    assert client.get(f"/admin/localize/submit/page/{course.pk}/").status_code in (302, 403)


def test_sync_translated_pages_is_offered_and_allowed_only_to_the_courses_editors(demo, client):
    """wagtail-localize's "Sync translated pages" overwrites the translations of a course: like
    "Translate this page", only the course's editors see it, and another trainer is refused."""
    from wagtail_localize.models import TranslationSource

    alice, bob, course = _course_of_alice_not_bob()
    source, _created = TranslationSource.get_or_create_from_instance(course)
    sync = f"/admin/localize/update/{source.pk}/"
    listing = f"/admin/pages/{course.pk}/"

    client.force_login(alice)
    assert f'href="{sync}' in client.get(listing).content.decode()
    assert client.get(sync).status_code == 200

    client.force_login(bob)
    assert f'href="{sync}' not in client.get(listing).content.decode()
    assert client.get(sync).status_code in (302, 403)
    assert client.post(sync, {}).status_code in (302, 403)
    assert not course.get_translations().filter(owner=bob).exists()
