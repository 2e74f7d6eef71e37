from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cohort.demo"
    label = "demo"
