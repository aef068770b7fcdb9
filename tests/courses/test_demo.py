from wagtail.models import Locale, Page, Site

from courses.demo import demo_courses_install
from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage
from tests.courses.conftest import FIXTURES


def test_demo_install_builds_fr_source_and_ar_translation_with_identical_structure(demo):
    ar = Locale.objects.get(language_code="ar")
    fr = Locale.get_default()
    assert Site.objects.get(is_default_site=True).root_page_id == demo["catalogue"].pk
    assert CoursePage.objects.filter(locale=fr, live=True).count() == 2
    assert CoursePage.objects.filter(locale=ar, live=True).count() == 2
    lesson_fr = LessonPage.objects.get(locale=fr, slug="enregistrer")
    lesson_ar = LessonPage.objects.get(translation_key=lesson_fr.translation_key, locale=ar)
    assert [(b.block_type, b.id) for b in lesson_fr.body] == [
        (b.block_type, b.id) for b in lesson_ar.body
    ]
    assert lesson_ar.title == "تسجيل مراسلة"
    assert "h5p" not in [b.block_type for b in lesson_fr.body]
    assert any("demo-absent" in w for w in demo["warnings"])
    assert list(lesson_ar.competences.values_list("code", flat=True)) == ["1.1"]


def test_demo_install_is_idempotent(demo):
    before = Page.objects.count()
    ids = sorted(CoursePage.objects.values_list("pk", flat=True))
    demo_courses_install(content_dir=FIXTURES)
    assert Page.objects.count() == before
    assert sorted(CoursePage.objects.values_list("pk", flat=True)) == ids
    assert CataloguePage.objects.count() == 2
    assert ModulePage.objects.filter(slug="bases").count() == 2


def test_demo_install_of_the_real_demo_content(db):
    from courses.demo import CONTENT_DIR

    files = [p for p in CONTENT_DIR.glob("*.json") if p.name != "digcomp.json"]
    if not files:
        import pytest

        pytest.skip("no demo course written yet")
    result = demo_courses_install()
    print("\n".join(result["warnings"]))
    assert len(result["courses"]) == len(files)
    assert result["competences"] == 21
    fr, ar = Locale.get_default(), Locale.objects.get(language_code="ar")
    for course in result["courses"]:
        assert course.live and course.locale == fr
        assert CoursePage.objects.filter(
            translation_key=course.translation_key, locale=ar, live=True
        ).exists()
        assert ModulePage.objects.child_of(course).count() >= 2
        assert len(course.final_assessment) >= (course.final_draw or 1)


def test_ar_translation_is_managed_by_wagtail_localize_and_syncs_source_structure(demo):
    from wagtail.rich_text import RichText
    from wagtail_localize.models import Translation, TranslationSource

    ar = Locale.objects.get(language_code="ar")
    lesson_fr = LessonPage.objects.get(locale__language_code="fr", slug="enregistrer")
    source, _ = TranslationSource.get_or_create_from_instance(lesson_fr)
    translation = Translation.objects.get(source=source, target_locale=ar)
    assert not demo["warnings"][1:]  # only the missing H5P activity

    lesson_fr.body.append(("callout", {"style": "tip", "text": RichText("<p>Nouvelle astuce</p>")}))
    lesson_fr.save_revision().publish()
    source.update_from_db()
    translation.save_target(publish=True)

    lesson_ar = LessonPage.objects.get(translation_key=lesson_fr.translation_key, locale=ar)
    lesson_fr.refresh_from_db()
    assert [b.id for b in lesson_ar.body] == [b.id for b in lesson_fr.body]
    assert "يؤرخ الرقم الترتيبي" in str(lesson_ar.body[0].value)  # existing translation kept


def test_courses_demo_command_grants_the_trainer_every_course(db):
    from io import StringIO

    from django.core.management import call_command

    from tests.factories import trainer

    alice = trainer(username="alice")
    out = StringIO()
    call_command("courses_demo", trainer="alice", content_dir=str(FIXTURES), stdout=out)
    assert "2 courses" in out.getvalue()
    for course in CoursePage.objects.all():
        assert course.permissions_for_user(alice).can_edit()


def test_courses_demo_command_refuses_unknown_trainer(db):
    import pytest
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("courses_demo", trainer="nobody", content_dir=str(FIXTURES))
    assert not CoursePage.objects.exists()


def test_invalid_demo_content_fails_clearly_and_leaves_nothing(db, tmp_path):
    import json
    import shutil

    import pytest

    from courses.demo import DemoContentError

    shutil.copy(FIXTURES / "digcomp.json", tmp_path / "digcomp.json")
    shutil.copy(FIXTURES / "registre.json", tmp_path / "a-registre.json")
    bad = json.loads((FIXTURES / "securite.json").read_text())
    bad["competences"] = ["9.9"]
    (tmp_path / "b-bad.json").write_text(json.dumps(bad))
    pages_before = Page.objects.count()
    with pytest.raises(DemoContentError, match="9.9"):
        demo_courses_install(content_dir=tmp_path)
    assert Page.objects.count() == pages_before
    assert not CoursePage.objects.exists()


def _ar(page):
    return Page.objects.get(
        translation_key=page.translation_key, locale__language_code="ar"
    ).specific


def test_committed_demo_install_leaves_a_sound_page_tree_and_ar_pages_answer(
    db, client, learner, django_capture_on_commit_callbacks
):
    """wagtail-localize publishes translations when the transaction commits: the tree
    must still be sound then (Arabic pages used to keep numchild 0 and answer 404)."""
    from courses.tree import page_tree_problems

    with django_capture_on_commit_callbacks(execute=True):
        demo_courses_install(content_dir=FIXTURES)
    assert page_tree_problems() == {}

    lesson = LessonPage.objects.get(locale__language_code="fr", slug="enregistrer")
    module = lesson.get_parent()
    course = module.get_parent()
    client.force_login(learner)
    for page in (_ar(course), _ar(module), _ar(lesson), course, module, lesson):
        assert client.get(page.url).status_code == 200, page.url


def test_second_committed_demo_install_keeps_the_tree_sound(db, django_capture_on_commit_callbacks):
    from courses.tree import page_tree_problems

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            demo_courses_install(content_dir=FIXTURES)
    assert page_tree_problems() == {}
    assert ModulePage.objects.filter(slug="bases").count() == 2


def test_ar_lessons_of_the_demo_play_the_ar_activity_even_after_a_sync(db, tmp_path):
    import json
    import shutil

    from wagtail_localize.models import Translation, TranslationSource

    from courses.h5p.models import H5PActivity, H5PPackage

    package = H5PPackage.objects.create(title="Paquet", status=H5PPackage.Status.READY)
    fr_activity = H5PActivity.objects.create(
        title="Activité", key="demo-test", package=package, language="fr"
    )
    ar_activity = H5PActivity.objects.create(
        title="نشاط", key="demo-test-ar", package=package, language="ar"
    )
    shutil.copy(FIXTURES / "digcomp.json", tmp_path / "digcomp.json")
    course = json.loads((FIXTURES / "registre.json").read_text())
    course_text = json.dumps(course).replace('"demo-absent"', '"demo-test"')
    (tmp_path / "registre.json").write_text(course_text)
    demo_courses_install(content_dir=tmp_path)

    def activities(page):
        page = LessonPage.objects.get(pk=page.pk)
        return [block.value["activity"] for block in page.body if block.block_type == "h5p"]

    lesson_fr = LessonPage.objects.get(locale__language_code="fr", slug="enregistrer")
    lesson_ar = _ar(lesson_fr)
    assert activities(lesson_fr) == [fr_activity]
    assert activities(lesson_ar) == [ar_activity]

    # A trainer edits the source and syncs the translation: the ar activity stays.
    lesson_fr.title = "Enregistrer un courrier entrant"
    lesson_fr.save_revision().publish()
    source, _ = TranslationSource.update_or_create_from_instance(lesson_fr)
    Translation.objects.get(source=source, target_locale=lesson_ar.locale).save_target(publish=True)
    assert activities(lesson_ar) == [ar_activity]
