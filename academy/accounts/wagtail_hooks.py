from wagtail import hooks

from .lockouts import lockout_viewset


@hooks.register("register_admin_viewset")
def register_lockout_viewset():
    return lockout_viewset


@hooks.register("before_edit_user")
def stash_user_before_edit(request, user):
    from .audit_hooks import STASH, user_state

    setattr(request, STASH, user_state(user))


@hooks.register("after_edit_user")
def audit_user_edit(request, user):
    from .audit_hooks import STASH, user_changes_audit, user_state

    user_changes_audit(
        request=request, user=user, before=getattr(request, STASH, None) or user_state(None)
    )


@hooks.register("after_create_user")
def audit_user_create(request, user):
    from .audit_hooks import user_changes_audit, user_state

    user_changes_audit(request=request, user=user, before=user_state(None))


@hooks.register("register_user_listing_buttons")
def erase_personal_data_button(user, request_user):
    from .erasure_admin import erase_button

    return erase_button(user=user, request_user=request_user)
