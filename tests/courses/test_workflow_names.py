"""The review workflow's and task's names, stored once, shown in the reader's language."""

import pytest
from django.utils import translation
from wagtail.models import Task, Workflow

from courses.models import LessonPage
from courses.services import course_grant_trainer
from courses.workflow_names import TASK_NAME, WORKFLOW_NAME
from tests.factories import platform_admin, reviewer, trainer

MODERATORS = {"ar": "موافقة المشرفين", "fr": "Approbation des modérateurs"}
NAMES = {
    "ar": ("مراجعة التكوين", "موافقة المراجع"),
    "fr": ("Relecture du cours", "Approbation du relecteur"),
}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_workflow_and_task_lists_show_the_names_in_the_admins_language(db, client, language):
    client.force_login(platform_admin(preferred_language=language))
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    workflows = client.get("/admin/workflows/list/", **headers).content.decode()
    tasks = client.get("/admin/workflows/tasks/index/", **headers).content.decode()
    workflow_name, task_name = NAMES[language]
    assert workflow_name in workflows and task_name in workflows
    assert task_name in tasks
    assert WORKFLOW_NAME not in workflows and TASK_NAME not in tasks
    # Wagtail's default workflow (its own migration) too.
    assert MODERATORS[language] in workflows and "Moderators approval" not in workflows


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_page_in_review_shows_the_task_in_the_reviewers_language(demo, client, language):
    author = trainer(username="alice")
    rita = reviewer(username="rita", preferred_language=language)
    lesson = LessonPage.objects.filter(locale__language_code="fr").first()
    course_grant_trainer(course=lesson.get_parent().get_parent(), user=author)
    lesson.save_revision(user=author)
    lesson.get_workflow().start(lesson, author)

    client.force_login(rita)
    page = client.get(
        f"/admin/pages/{lesson.pk}/edit/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert NAMES[language][1] in page
    assert TASK_NAME not in page


def test_names_are_stored_untranslated_whatever_the_language_of_the_save(db):
    for language in ("ar", "fr"):
        with translation.override(language):
            workflow = Workflow.objects.get(name=WORKFLOW_NAME)
            assert str(workflow.name) == NAMES[language][0]
            workflow.save()
            task = Task.objects.get(name=TASK_NAME).specific
            task.name = NAMES[language][1]  # the edit form posted back unchanged
            task.save()
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert Task.objects.filter(name=TASK_NAME).count() == 1


def test_a_name_an_administrator_types_is_kept_as_typed(db):
    with translation.override("ar"):
        workflow = Workflow.objects.get(name=WORKFLOW_NAME)
        workflow.name = "مراجعة خاصة"
        workflow.save()
    workflow = Workflow.objects.get(pk=workflow.pk)
    with translation.override("fr"):
        assert workflow.name == "مراجعة خاصة"
