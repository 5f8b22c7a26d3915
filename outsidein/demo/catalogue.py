"""The fictional Province of Example: organizations, services and personas (data only)."""

from decimal import Decimal

DEMO_ROOT = "pex"
DEMO_PASSWORD = "example-demo-2026"  # printed by `outsidein demo`; demo data only

MINISTRIES = [
    ("pex-health", "Ministry of Health", "Ministère de la Santé", "health"),
    ("pex-transport", "Ministry of Transportation", "Ministère des Transports", "transportation"),
    ("pex-labour", "Ministry of Labour", "Ministère du Travail", "labour"),
]
DELIVERY = ("pex-service", "Service Example", "Service Exemple", "service delivery")
OFFICES = [
    ("pex-service-north", "Service Example — Northtown office", "Service Exemple — bureau de Northtown"),
    ("pex-service-lake", "Service Example — Lakeside office", "Service Exemple — bureau de Lakeside"),
    ("pex-service-contact", "Service Example — Contact centre", "Service Exemple — centre d'appels"),
]
LINES_OF_BUSINESS = ["Health coverage", "Driver and vehicle", "Vital statistics", "Business registration",
                     "Outdoor cards and licences", "Information and referral"]

# (owner code, code, name_en, name_fr, line, channels, fee, description_en, description_fr)
SERVICES = [
    ("pex-service", "HC-REG", "Health card registration", "Inscription à la carte santé", "Health coverage",
     ["in_person"], None, "Register for provincial health coverage.", "Inscrivez-vous à l'assurance-santé provinciale."),
    ("pex-service", "HC-RENEW", "Health card renewal", "Renouvellement de la carte santé", "Health coverage",
     ["in_person", "online"], None, "Renew your health card.", "Renouvelez votre carte santé."),
    ("pex-service", "HC-ADDR", "Change of address for health coverage", "Changement d'adresse pour l'assurance-santé",
     "Health coverage", ["online", "telephone", "mail"], None,
     "Tell us your new address.", "Indiquez-nous votre nouvelle adresse."),
    ("pex-service", "DL-RENEW", "Driver's licence renewal", "Renouvellement du permis de conduire",
     "Driver and vehicle", ["in_person", "online"], Decimal("90.00"),
     "Renew your driver's licence.", "Renouvelez votre permis de conduire."),
    ("pex-service", "VP-STICKER", "Licence plate sticker renewal", "Renouvellement de la vignette d'immatriculation",
     "Driver and vehicle", ["online", "in_person", "kiosk"], Decimal("60.00"),
     "Renew your licence plate sticker.", "Renouvelez votre vignette d'immatriculation."),
    ("pex-service", "DL-ADDR", "Driver's licence address change", "Changement d'adresse du permis de conduire",
     "Driver and vehicle", ["online", "in_person"], None,
     "Change the address on your licence.", "Changez l'adresse sur votre permis."),
    ("pex-service", "VS-BIRTH", "Birth certificate", "Certificat de naissance", "Vital statistics",
     ["online", "mail", "in_person"], Decimal("25.00"),
     "Order a birth certificate.", "Commandez un certificat de naissance."),
    ("pex-service", "VS-MARRIAGE", "Marriage certificate", "Certificat de mariage", "Vital statistics",
     ["online", "mail"], Decimal("15.00"), "Order a marriage certificate.", "Commandez un certificat de mariage."),
    ("pex-service", "VS-DEATH", "Death certificate", "Certificat de décès", "Vital statistics",
     ["online", "mail"], Decimal("15.00"), "Order a death certificate.", "Commandez un certificat de décès."),
    ("pex-service", "BR-REG", "Business name registration", "Enregistrement d'une dénomination commerciale",
     "Business registration", ["online", "mail"], Decimal("60.00"),
     "Register a business name.", "Enregistrez une dénomination commerciale."),
    ("pex-service", "BR-ELICENCE", "Electronic business licence", "Licence commerciale électronique",
     "Business registration", ["online"], Decimal("80.00"),
     "Get a business licence online.", "Obtenez une licence commerciale en ligne."),
    ("pex-service", "BR-RENEW", "Business name renewal", "Renouvellement d'une dénomination commerciale",
     "Business registration", ["online", "mail"], Decimal("60.00"),
     "Renew a business name registration.", "Renouvelez l'enregistrement d'une dénomination."),
    ("pex-service", "OC-FISH", "Fishing licence", "Permis de pêche", "Outdoor cards and licences",
     ["online", "in_person", "telephone"], Decimal("30.00"), "Buy a fishing licence.", "Achetez un permis de pêche."),
    ("pex-service", "OC-CARD", "Outdoors card", "Carte Plein air", "Outdoor cards and licences",
     ["online", "in_person"], Decimal("9.00"), "Get your outdoors card.", "Obtenez votre carte Plein air."),
    ("pex-service", "IR-LINE", "General information line", "Ligne d'information générale",
     "Information and referral", ["telephone"], None,
     "Ask us about any government service.", "Posez-nous vos questions sur les services gouvernementaux."),
    ("pex-service", "IR-MAIL", "Written enquiries", "Demandes écrites", "Information and referral",
     ["mail", "email", "fax"], None, "Write to us with a question.", "Écrivez-nous pour poser une question."),
    ("pex-health", "MH-ASSIST", "Assistive devices funding", "Financement des appareils fonctionnels", "",
     ["mail", "telephone"], None, "Get help paying for assistive devices.", "Obtenez de l'aide pour payer des appareils fonctionnels."),
    ("pex-transport", "MT-PERMIT", "Oversize load permit", "Permis de charge surdimensionnée", "",
     ["online", "fax"], Decimal("75.00"), "Move an oversize load on provincial roads.",
     "Transportez une charge surdimensionnée sur les routes provinciales."),
    ("pex-labour", "ML-CLAIM", "Employment standards claim", "Réclamation en matière de normes d'emploi", "",
     ["online", "mail", "telephone"], None, "File a claim against an employer.",
     "Déposez une réclamation contre un employeur."),
    ("pex-labour", "ML-INSPECT", "Workplace inspection request", "Demande d'inspection du lieu de travail", "",
     ["telephone", "online"], None, "Ask for a workplace inspection.", "Demandez une inspection du lieu de travail."),
]

# username, role, organization code, first, last
PERSONAS = [
    ("admin", "administrator", DEMO_ROOT, "Ada", "Admin"),
    ("quality", "quality_lead", DEMO_ROOT, "Quinn", "Quality"),
    ("manager", "program_manager", "pex-service", "Morgan", "Manager"),
    ("officer", "case_officer", "pex-service", "Olivia", "Officer"),
    ("analyst", "analyst", DEMO_ROOT, "Anil", "Analyst"),
    ("auditor", "auditor", DEMO_ROOT, "Audrey", "Auditor"),
    ("executive", "executive", DEMO_ROOT, "Eli", "Executive"),
    ("health", "quality_lead", "pex-health", "Hana", "Health"),
]
