from django.contrib import admin

from engcert.frameworks.models import (
    CompetencyArea,
    Framework,
    FrameworkVersion,
    Grade,
    Indicator,
    ScaleLevel,
)


class GradeInline(admin.TabularInline[Grade, FrameworkVersion]):
    model = Grade
    extra = 0


class AreaInline(admin.StackedInline[CompetencyArea, FrameworkVersion]):
    model = CompetencyArea
    extra = 0


class ScaleInline(admin.TabularInline[ScaleLevel, FrameworkVersion]):
    model = ScaleLevel
    extra = 0


class IndicatorInline(admin.TabularInline[Indicator, CompetencyArea]):
    model = Indicator
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin[Framework]):
    list_display = ["code", "name", "name_en"]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin[FrameworkVersion]):
    list_display = ["framework", "version", "effective_from", "is_current"]
    inlines = [GradeInline, AreaInline, ScaleInline]


@admin.register(CompetencyArea)
class CompetencyAreaAdmin(admin.ModelAdmin[CompetencyArea]):
    list_display = ["number", "name", "name_en", "framework_version"]
    inlines = [IndicatorInline]
