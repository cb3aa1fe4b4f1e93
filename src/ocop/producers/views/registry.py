from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def producer_list(request: HttpRequest) -> HttpResponse:  # replaced by the producers slice
    return render(request, "core/home.html")


def my_producer(request: HttpRequest) -> HttpResponse:  # replaced by the producers slice
    return render(request, "core/home.html")
