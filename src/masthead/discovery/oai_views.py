"""The OAI-PMH endpoint: GET or POST (application/x-www-form-urlencoded), answered by oai.py."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from masthead.discovery.oai import answer

CONTENT_TYPE = "text/xml; charset=utf-8"


@csrf_exempt  # harvesters POST without a session; the endpoint changes nothing
@require_http_methods(["GET", "HEAD", "POST"])
def oai(request):
    arguments = request.POST if request.method == "POST" else request.GET
    return HttpResponse(answer(arguments.lists()), content_type=CONTENT_TYPE)
