"""xAPI statements endpoint: ``/api/xapi/statements`` (POST one or many, PUT ?statementId=).

Write-only: learners' statements are read through the dashboard and HR selectors."""

from __future__ import annotations

import uuid

from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ParseError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import CachedTokenAuthentication
from .services import StatementConflict, StatementInvalid, statements_record
from .xapi import XAPI_VERSION


def _error(http_status: int, message: str) -> Response:
    return Response({"error": message}, status=http_status)


class StatementsView(APIView):
    """A small Learning Record Store for the signed-in user's own statements."""

    authentication_classes = [SessionAuthentication, CachedTokenAuthentication]
    permission_classes = [IsAuthenticated]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["X-Experience-API-Version"] = XAPI_VERSION
        return response

    def _body(self, request):
        try:
            return request.data
        except ParseError as exc:
            raise StatementInvalid(f"the body is not valid JSON ({exc.detail})") from None

    def _record(self, request, statements):
        try:
            return statements_record(user=request.user, statements=statements), None
        except StatementInvalid as exc:
            return None, _error(status.HTTP_400_BAD_REQUEST, str(exc))
        except StatementConflict as exc:
            return None, _error(status.HTTP_409_CONFLICT, str(exc))

    def post(self, request):
        try:
            body = self._body(request)
        except StatementInvalid as exc:
            return _error(status.HTTP_400_BAD_REQUEST, str(exc))
        rows, error = self._record(request, body)
        if error:
            return error
        return Response([str(row.statement_id) for row in rows], status=status.HTTP_200_OK)

    def put(self, request):
        raw_id = request.query_params.get("statementId")
        if not raw_id:
            return _error(
                status.HTTP_400_BAD_REQUEST, "statementId: the query parameter is required"
            )
        try:
            statement_id = str(uuid.UUID(raw_id))
        except ValueError:
            return _error(status.HTTP_400_BAD_REQUEST, "statementId: is not a valid UUID")
        try:
            body = self._body(request)
        except StatementInvalid as exc:
            return _error(status.HTTP_400_BAD_REQUEST, str(exc))
        if not isinstance(body, dict):
            return _error(status.HTTP_400_BAD_REQUEST, "PUT takes a single statement object")
        if "id" in body and str(body["id"]).lower() != statement_id:
            return _error(status.HTTP_400_BAD_REQUEST, "id: differs from the statementId parameter")
        _rows, error = self._record(request, {**body, "id": statement_id})
        return error or Response(status=status.HTTP_204_NO_CONTENT)
