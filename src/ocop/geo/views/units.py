from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def unit_list(request: HttpRequest) -> HttpResponse:  # replaced by the geo slice
    return render(request, "core/home.html")
