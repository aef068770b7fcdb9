from wagtail.models import Page

from courses import checks
from courses.models import LessonPage, ModulePage
from courses.tree import page_tree_problems


def _ar_module(slug="bases"):
    return ModulePage.objects.get(slug=slug, locale__language_code="ar")


def test_tree_check_flags_wrong_child_counts(demo):
    assert checks.page_tree_errors() == []
    module = _ar_module()
    Page.objects.filter(pk=module.pk).update(numchild=0)
    errors = checks.check_course_hierarchy(databases=["default"])
    assert [e.id for e in errors] == ["courses.E004"]
    assert str(module.pk) in errors[0].msg


def test_full_save_of_a_stale_page_keeps_the_child_count_the_tree_stored(demo):
    stale = _ar_module()  # loaded before a child is added elsewhere
    children = stale.numchild
    fresh = Page.objects.get(pk=stale.pk)
    fresh.add_child(instance=LessonPage(title="درس إضافي", slug="dars-idafi", locale=stale.locale))
    stale.title = "الأساسيات"
    stale.save()
    assert page_tree_problems() == {}
    assert Page.objects.get(pk=stale.pk).numchild == children + 1
    # ...and the next child gets a path of its own.
    Page.objects.get(pk=stale.pk).add_child(
        instance=LessonPage(title="درس آخر", slug="dars-akhar", locale=stale.locale)
    )
    assert page_tree_problems() == {}


def test_save_with_update_fields_still_writes_the_given_tree_fields(demo):
    module = _ar_module()
    stored = module.numchild
    module.numchild = stored + 1
    module.save(update_fields=["numchild"])
    assert Page.objects.get(pk=module.pk).numchild == stored + 1
