from . import views

app_name = "projects"

urlpatterns = views.pages.urls()
