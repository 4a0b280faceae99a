from django.urls import path

from governance.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.my_assignments, name="mine"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("proposals/<int:pk>/", views.review_page, name="review"),
    path("calls/<int:pk>/assign/", views.assignment_board, name="assign"),
    path("calls/<int:pk>/ranking/", views.ranking, name="ranking"),
]
