from django.http import HttpRequest

SERVICE_NAME = "Prevent delivery plan tracker"


def service(request: HttpRequest) -> dict[str, str]:
    return {"service_name": SERVICE_NAME}
