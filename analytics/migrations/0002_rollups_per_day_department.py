"""Rollups keyed by department slug, with per-method counts, histograms and gauges.

The old per-day counts cannot be converted (they lacked the new columns), so the
rollups start empty and no event counts as applied: run `manage.py analytics_rebuild`
once after deploying to fold the whole history back in.
"""

from django.db import migrations, models


def forget_applied_events(apps, schema_editor):
    apps.get_model("analytics", "AppliedEvent").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("tickets", "0002_seed_departments"),
    ]

    operations = [
        migrations.RunPython(forget_applied_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="DepartmentDayStats"),
        migrations.CreateModel(
            name="DepartmentDayStats",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("department", models.CharField(blank=True, default="", max_length=32)),
                ("created", models.PositiveIntegerField(default=0)),
                ("categorized", models.PositiveIntegerField(default=0)),
                ("routed", models.PositiveIntegerField(default=0)),
                ("rerouted", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("resolved_first", models.PositiveIntegerField(default=0)),
                ("reopened", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name_plural": "department day stats",
                "constraints": [
                    models.UniqueConstraint(fields=("day", "department"), name="stats_one_row_per_day_department")
                ],
            },
        ),
        migrations.CreateModel(
            name="GaugeDayDelta",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("department", models.CharField(blank=True, default="", max_length=32)),
                (
                    "gauge",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("in_progress", "In progress"),
                            ("resolved", "Resolved"),
                            ("needs_review", "Needs review"),
                        ],
                        max_length=16,
                    ),
                ),
                ("delta", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("day", "department", "gauge"), name="gauge_one_row_per_day")
                ]
            },
        ),
        migrations.CreateModel(
            name="HistogramBucket",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("department", models.CharField(blank=True, default="", max_length=32)),
                (
                    "metric",
                    models.CharField(
                        choices=[
                            ("categorize", "Time to categorize"),
                            ("route", "Time to route"),
                            ("resolve", "Time to resolve"),
                            ("confidence", "Confidence"),
                        ],
                        max_length=16,
                    ),
                ),
                ("bucket", models.PositiveSmallIntegerField()),
                ("count", models.PositiveIntegerField(default=0)),
                ("total", models.BigIntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["metric", "day"], name="histogram_metric_day_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "department", "metric", "bucket"), name="histogram_one_row_per_bucket"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MethodDayStats",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("department", models.CharField(blank=True, default="", max_length=32)),
                ("method", models.CharField(max_length=32)),
                ("count", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("day", "department", "method"), name="method_one_row_per_day_dept")
                ]
            },
        ),
    ]
