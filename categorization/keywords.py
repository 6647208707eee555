"""Deterministic keyword rules that follow ``shared/departments.md``.

They are the last resort of the categorizer chain: they always answer. Department
names themselves are not keywords, so text that tells the categorizer where to
send a ticket ("send this to Finance") does not move it (policy rule 6).
"""

import re

from categorization.base import Categorization

METHOD = "keywords"

# (pattern, weight). Patterns match word starts so that stems catch plurals and typos' neighbours.
RULES: dict[str, tuple[tuple[str, float], ...]] = {
    "it_support": (
        (r"laptop", 3), (r"computer", 3), (r"\bpc\b", 2), (r"monitor", 2), (r"keyboard", 2), (r"mouse\b", 2),
        (r"password", 3), (r"passwort", 3), (r"mot de passe", 3), (r"contraseña", 3), (r"log ?in", 2),
        (r"sign ?in", 2), (r"account", 2), (r"locked out", 3), (r"\b2fa\b|\bmfa\b|authenticator", 3),
        (r"e-?mail", 2), (r"outlook", 3), (r"inbox", 2), (r"\bvpn\b", 4), (r"wi-?fi|wlan|wireless", 3),
        (r"network", 2), (r"internet", 2), (r"printer|print", 3), (r"scanner", 3), (r"software", 3),
        (r"install", 2), (r"licen[cs]e", 2), (r"\bapp\b|application", 1), (r"phone", 2), (r"teams\b|slack|zoom", 2),
        (r"shared drive|sharepoint|onedrive|folder access|permission", 3), (r"phishing|malware|virus|hacked", 4),
        (r"server", 2), (r"crash", 2), (r"blue screen|bsod", 4), (r"reboot|restart", 1), (r"screen", 1),
        (r"update", 1), (r"excel|word document|powerpoint", 2), (r"browser|chrome|firefox", 2), (r"\bsso\b", 3),
        (r"ordinateur|rechner|computadora", 3), (r"drucker|imprimante|impresora", 3),
    ),
    "hr": (
        (r"pay ?slip|payslip|pay stub", 4), (r"salary|salaries", 4), (r"payroll", 4), (r"\bwage", 3),
        (r"overtime", 2), (r"bonus", 2), (r"benefit", 3), (r"pension", 3), (r"health insurance", 3),
        (r"leave\b", 3), (r"holiday", 3), (r"vacation", 3), (r"time off|\bpto\b", 3), (r"sick", 3),
        (r"maternity|paternity|parental", 4), (r"onboard", 3), (r"offboard", 3), (r"new hire|new starter", 3),
        (r"contract", 2), (r"performance review|appraisal", 4), (r"training", 2), (r"course", 1),
        (r"recruit|hiring|job posting|candidate|interview", 3), (r"harass", 5), (r"bully", 4),
        (r"discriminat", 4), (r"misconduct|conduct", 2), (r"resign|notice period", 3), (r"gehalt|salaire|sueldo", 4),
        (r"urlaub|congé|vacaciones", 3), (r"krank|maladie|enfermedad", 2), (r"promotion\b", 2),
    ),
    "facilities": (
        (r"heating|heater", 4), (r"air ?con|a/c\b|\bhvac\b", 4), (r"too (hot|cold)|freezing|temperature", 3),
        (r"light|bulb|lamp", 2), (r"leak", 3), (r"toilet|restroom|bathroom|sink|plumb|tap\b|faucet", 4),
        (r"clean", 3), (r"trash|rubbish|bin\b|garbage", 2), (r"chair|desk\b|furniture|table", 2),
        (r"desk move|move desk|relocat", 3), (r"parking|car park|garage", 4), (r"kitchen|fridge|coffee machine|microwave", 3),
        (r"door", 2), (r"badge", 3), (r"\bkey\b|keys\b|lock\b", 2), (r"elevator|lift\b", 3), (r"window", 2),
        (r"meeting room|conference room|projector", 2), (r"mail ?room|parcel|package|post\b", 2),
        (r"fire alarm|fire exit|evacuat|smoke", 4), (r"building|office space|floor\b", 1), (r"pest|mice|rats", 4),
        (r"heizung|chauffage|calefacción", 4), (r"clim|klima", 3),
    ),
    "finance": (
        (r"invoice|rechnung|facture|factura", 4), (r"vendor|supplier", 3), (r"payment", 2),
        (r"expense", 4), (r"reimburs", 4), (r"receipt", 2), (r"corporate card|company card|credit card", 4),
        (r"purchase order|\bpo\b", 4), (r"procure", 3), (r"budget", 3), (r"cost cent(re|er)", 4),
        (r"\bw-?9\b|\b1099\b|tax form|\bvat\b", 3), (r"refund", 3), (r"accounts payable|accounts receivable", 4),
        (r"per diem|mileage|travel cost", 3), (r"quote|quotation", 2), (r"billing|billed", 2), (r"spend", 1),
    ),
}

_COMPILED = {dept: tuple((re.compile(p, re.IGNORECASE), w) for p, w in rules) for dept, rules in RULES.items()}


class KeywordCategorizer:
    method = METHOD

    def categorize(self, *, title: str, description: str) -> Categorization:
        # The title states the problem most directly; weigh it higher.
        text = f"{title}\n{title}\n{description}"
        length = max(len(text), 1)
        scores: dict[str, float] = {}
        for department, rules in _COMPILED.items():
            score = 0.0
            for pattern, weight in rules:
                match = pattern.search(text)
                if match:
                    # Earlier mentions count more: a ticket naming two problems goes to the first (rule 4).
                    score += weight * (1.0 + 0.5 * (1 - match.start() / length))
            if score:
                scores[department] = score
        if not scores:
            # Nothing actionable to place (rule 5): General, with low confidence so a human looks.
            return Categorization(department="general", confidence=40, method=METHOD)
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        best, best_score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        margin = (best_score - runner_up) / best_score
        confidence = min(85.0, 45.0 + 5.0 * best_score) * (0.55 + 0.45 * margin)
        return Categorization(department=best, confidence=round(confidence), method=METHOD)
