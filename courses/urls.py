app_name = "courses"
urlpatterns = []
