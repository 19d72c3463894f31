from . import views

app_name = "actions"

urlpatterns = [
    *views.pages.urls(),
]
