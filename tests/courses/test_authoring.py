import re

from django.test import RequestFactory
from wagtail.models import Page, Workflow, WorkflowState

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
    assert lesson.live and Page.objects.get(pk=lesson.pk).title == "Enregistrer un courrier"  # not yet published

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
    original = RequestFactory().get("/admin/", HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}")
    preview = lesson.make_preview_request(original_request=original).content.decode()
    def article(html):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html[html.index("<article") : html.index("</article>")]

    assert "block-quiz" in article(live_html)
    assert article(preview) == article(live_html)


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
