from wagtail import hooks

from .viewsets import territory_viewset


@hooks.register("register_admin_viewset")
def register_territory_viewset():
    return territory_viewset
