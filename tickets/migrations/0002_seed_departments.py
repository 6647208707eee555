from django.db import migrations

# A frozen copy: a data migration must not change when tickets/departments.py does.
DEPARTMENTS = (
    ("it_support", "IT Support", "Computers, phones, software, accounts and passwords, email, VPN, Wi-Fi and network, printers and scanners, access to systems and shared drives, security incidents (phishing, malware)."),
    ("hr", "HR", "Pay slips and salary, payroll errors, benefits, leave and holidays, sick notes, onboarding and offboarding of people, contracts, performance reviews, training, recruiting, workplace conduct and harassment."),
    ("facilities", "Facilities", "Buildings and rooms: heating and air conditioning, lights, plumbing, cleaning, furniture, desk moves, parking, kitchens, physical keys and door badges, meeting-room equipment that is not a computer, mail room, building safety."),
    ("finance", "Finance", "Invoices and vendor payments, expense reports and reimbursements, corporate cards, purchase orders and procurement approval, budgets and cost centres, tax forms for suppliers, refunds."),
    ("general", "General", "Everything else: general questions, feedback, events, requests that fit no department, and text too vague to place."),
)


def seed(apps, schema_editor):
    Department = apps.get_model("tickets", "Department")
    for slug, name, description in DEPARTMENTS:
        Department.objects.update_or_create(slug=slug, defaults={"name": name, "description": description})


def unseed(apps, schema_editor):
    apps.get_model("tickets", "Department").objects.filter(slug__in=[d[0] for d in DEPARTMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
