"""The project's URLs plus the floor: a bare Django JSON endpoint doing one INSERT."""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from academy.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def floor(request):
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (statement_id, body) VALUES (%s, %s)",
            [body["id"], request.body.decode()],
        )
    return JsonResponse([body["id"]], safe=False)


urlpatterns = [path("bench/floor", floor), *project_urlpatterns]
