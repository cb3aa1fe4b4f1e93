from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def product_list(request: HttpRequest) -> HttpResponse:  # replaced by the products slice
    return render(request, "core/home.html")
