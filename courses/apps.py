from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import pre_save

        from academy.core.demo import demo_step_register
        from courses import (
            checks,  # noqa: F401  (registers the system checks)
            demo,
            personal_data,
        )

        personal_data.register()
        demo_step_register(20, demo.demo_step)
        from courses.tree import page_tree_fields_refresh

        # Every page model (wagtail-localize publishes translations from stale instances).
        pre_save.connect(page_tree_fields_refresh, dispatch_uid="courses.page_tree_fields_refresh")

        from django.db.models.signals import post_migrate
        from wagtail.signals import copy_for_translation_done

        from courses.workflow_names import workflow_names_connect

        workflow_names_connect()
        post_migrate.connect(_authoring_setup, dispatch_uid="courses.authoring_setup")
        copy_for_translation_done.connect(
            _translation_created, dispatch_uid="courses.translation_created"
        )


def _authoring_setup(sender, **kwargs):
    """Trainers' and reviewers' groups, rights and the review workflow exist after every
    ``migrate`` (not only in the demo). Runs once, after the last app's signal: every
    app's permissions exist by then."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    from django.contrib.auth.models import Permission

    from courses.services import courses_permissions_setup

    # A flushed database (transactional tests) lacks the rows Wagtail's data migrations
    # create (admin access permission, root collection): nothing to set up there.
    if not Permission.objects.filter(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    ).exists():
        return
    courses_permissions_setup()


def _translation_created(sender, source_obj, target_obj, **kwargs):
    from wagtail.models import Page

    from courses.services import course_translation_created

    if isinstance(target_obj, Page):
        course_translation_created(page=target_obj)
