"""The site's addresses plus a staff page that fails, to show the 500 page."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from config import urls as site_urls

handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@login_required
def failing_page(request):
    raise RuntimeError("a page that fails")


urlpatterns = [path("staff/failing/", failing_page), *site_urls.urlpatterns]
