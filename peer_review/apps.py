from django.apps import AppConfig


class PeerReviewConfig(AppConfig):
    name = "peer_review"
    verbose_name = "Reviews and recommendations"
