"""Public pages: service directory and one page per service, in English and French."""

from django.shortcuts import redirect, render


def root(request):
    return redirect("public:index")


def index(request):
    return render(request, "publishing/index.html", {})
