"""System checks for the course page tree.

The page types must chain catalogue → course → module → lesson. A refactor that loosens
``parent_page_types``/``subpage_types`` (or a data migration that moved pages) would let
lessons appear outside a course and break every selector that walks the tree, so both the
declared rules and the stored tree are checked.
"""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

EXPECTED = {
    # model: (allowed parents, allowed children)
    "CataloguePage": ({"wagtailcore.page"}, {"courses.coursepage"}),
    "CoursePage": ({"courses.cataloguepage"}, {"courses.modulepage"}),
    "ModulePage": ({"courses.coursepage"}, {"courses.lessonpage"}),
    "LessonPage": ({"courses.modulepage"}, set()),
}


def _labels(models) -> set[str]:
    return {m._meta.label_lower for m in models}


def declared_hierarchy_errors() -> list[Error]:
    from courses import models as course_models

    errors = []
    for name, (parents, children) in EXPECTED.items():
        model = getattr(course_models, name)
        got_parents = _labels(model.clean_parent_page_models())
        got_children = _labels(model.clean_subpage_models())
        if got_parents != parents:
            errors.append(
                Error(
                    f"{name} may be created under {sorted(got_parents)}; expected {sorted(parents)}.",
                    hint="Set parent_page_types explicitly on the page model.",
                    obj=model,
                    id="courses.E001",
                )
            )
        if got_children != children:
            errors.append(
                Error(
                    f"{name} accepts children {sorted(got_children)}; expected {sorted(children)}.",
                    hint="Set subpage_types explicitly on the page model.",
                    obj=model,
                    id="courses.E002",
                )
            )
    return errors


def stored_hierarchy_errors() -> list[Error]:
    """Pages of the course types whose parent is not the one their type requires."""
    from wagtail.models import Page

    from courses.models import CoursePage, LessonPage, ModulePage

    errors = []
    for model, parent_model in (
        (CoursePage, "cataloguepage"),
        (ModulePage, "coursepage"),
        (LessonPage, "modulepage"),
    ):
        for page in model.objects.all().only("id", "path", "depth", "title"):
            parent = page.get_parent()
            if (
                parent is None
                or parent.specific_class is None
                or parent.specific_class._meta.model_name != parent_model
            ):
                errors.append(
                    Error(
                        f"{model.__name__} #{page.pk} '{page.title}' sits under "
                        f"{parent.content_type.model if parent else 'nothing'}, not a {parent_model}.",
                        hint="Move the page under the right parent in the Wagtail admin.",
                        obj=Page,
                        id="courses.E003",
                    )
                )
    return errors


def page_tree_errors() -> list[Error]:
    """Treebeard's own checks of the page tree (wrong child counts make pages unreachable)."""
    from wagtail.models import Page

    from courses.tree import page_tree_problems

    return [
        Error(
            f"The page tree has {kind.replace('_', ' ')}: pages {ids[:20]}.",
            hint="Run `python manage.py fixtree`, then find what wrote the stale tree fields.",
            obj=Page,
            id="courses.E004",
        )
        for kind, ids in page_tree_problems().items()
    ]


@register(Tags.models)
def check_course_hierarchy(app_configs=None, databases=None, **kwargs):
    errors = declared_hierarchy_errors()
    if databases:
        try:
            errors += stored_hierarchy_errors()
            errors += page_tree_errors()
        except DatabaseError:  # tables not migrated yet
            pass
    return errors
