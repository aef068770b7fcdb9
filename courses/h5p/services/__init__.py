"""The import surface of H5P writes (see docs/architecture.md)."""

from .packages import (
    h5p_activity_create,
    h5p_activity_replace_package,
    h5p_library_set_blocked,
    h5p_library_set_patch_upgrades,
    h5p_package_approve_libraries,
    h5p_package_delete,
    h5p_package_extract,
    h5p_package_import,
    h5p_package_validate,
    may_install_libraries,
)
from .permissions import h5p_permissions_setup
from .results import (
    h5p_activity_for_object_id,
    h5p_play_record,
    h5p_result_counts,
    h5p_result_record,
    h5p_user_data_delete,
    h5p_user_data_save,
)
from .validation import H5PValidationError, Issue

__all__ = [
    "H5PValidationError",
    "Issue",
    "h5p_activity_create",
    "h5p_activity_for_object_id",
    "h5p_activity_replace_package",
    "h5p_library_set_blocked",
    "h5p_library_set_patch_upgrades",
    "h5p_package_approve_libraries",
    "h5p_package_delete",
    "h5p_package_extract",
    "h5p_package_import",
    "h5p_package_validate",
    "h5p_permissions_setup",
    "h5p_play_record",
    "h5p_result_counts",
    "h5p_result_record",
    "h5p_user_data_delete",
    "h5p_user_data_save",
    "may_install_libraries",
]
