from django.urls import re_path

from analytics.views import dashboard_page

urlpatterns = [re_path(r"^$", dashboard_page, name="dashboard")]
