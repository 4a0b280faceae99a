from django.contrib import admin

from governance.reviews.models import Assignment, ConflictOfInterest, Review

admin.site.register(ConflictOfInterest)
admin.site.register(Assignment)
admin.site.register(Review)
