from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "cohort.devices"
    label = "devices"
    verbose_name = "Device sync"
