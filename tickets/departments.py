"""The five departments of ``shared/departments.md``, as data the migration seeds."""

DEPARTMENTS: tuple[dict[str, str], ...] = (
    {
        "slug": "it_support",
        "name": "IT Support",
        "description": "Computers, phones, software, accounts and passwords, email, VPN, Wi-Fi and network, "
        "printers and scanners, access to systems and shared drives, security incidents (phishing, malware).",
    },
    {
        "slug": "hr",
        "name": "HR",
        "description": "Pay slips and salary, payroll errors, benefits, leave and holidays, sick notes, onboarding "
        "and offboarding of people, contracts, performance reviews, training, recruiting, workplace conduct "
        "and harassment.",
    },
    {
        "slug": "facilities",
        "name": "Facilities",
        "description": "Buildings and rooms: heating and air conditioning, lights, plumbing, cleaning, furniture, "
        "desk moves, parking, kitchens, physical keys and door badges, meeting-room equipment that is not a "
        "computer, mail room, building safety.",
    },
    {
        "slug": "finance",
        "name": "Finance",
        "description": "Invoices and vendor payments, expense reports and reimbursements, corporate cards, purchase "
        "orders and procurement approval, budgets and cost centres, tax forms for suppliers, refunds.",
    },
    {
        "slug": "general",
        "name": "General",
        "description": "Everything else: general questions, feedback, events, requests that fit no department, "
        "and text too vague to place.",
    },
)

DEPARTMENT_SLUGS: tuple[str, ...] = tuple(d["slug"] for d in DEPARTMENTS)
FALLBACK_DEPARTMENT = "general"
