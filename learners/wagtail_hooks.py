from wagtail import hooks

from .viewsets import LearnersViewSetGroup


@hooks.register("register_admin_viewset")
def register_learners_viewsets():
    return LearnersViewSetGroup()
