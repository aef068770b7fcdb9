"""The H5P statement handler the learners' xAPI endpoint calls (registered in
``H5PConfig.ready``; contract: ``academy.core.statements``)."""

from __future__ import annotations

from .models import H5PActivity
from .services import h5p_activity_for_object_id, h5p_result_record


class H5PStatementHandler:
    """Object ids that are H5P activities played in a lesson: access checked before the
    statement is stored, the result recorded once it is."""

    def resolve(self, *, user, object_id: str) -> H5PActivity | None:
        try:
            return h5p_activity_for_object_id(user=user, object_id=object_id)
        except H5PActivity.DoesNotExist:
            return None

    def record(self, *, user, target: H5PActivity, statement: dict) -> None:
        h5p_result_record(user=user, activity=target, statement=statement)
