from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "interdep.assessments"
    label = "assessments"
