"""rewards pages."""

urlpatterns: list = []
