"""seasons pages."""

urlpatterns: list = []
