from django.shortcuts import render

from cohort.core.exceptions import DomainError


class DomainErrorMiddleware:
    """Pages: a domain error a view did not handle becomes an error page with its status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            context = {"status": exception.status_code, "detail": exception.detail}
            return render(request, "error.html", context, status=exception.status_code)
        return None
