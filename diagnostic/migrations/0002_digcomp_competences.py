"""The 5 areas and 21 competences of DigComp 2.2 (source: diagnostic/data/SOURCES.md).

Creates only what is missing, by code: names a trainer edited in the admin are kept. The data
is written here (not read from the app's JSON) so that this migration never changes meaning.
"""

from django.db import migrations

DIGCOMP_2_2 = [
    ("1", "Culture de l'information et des données", "الثقافة المعلوماتية وثقافة البيانات", [
        ("1.1", "Naviguer, rechercher et filtrer des données, des informations et des contenus numériques", "تصفح البيانات والمعلومات والمحتويات الرقمية والبحث عنها وتصفيتها"),
        ("1.2", "Évaluer des données, des informations et des contenus numériques", "تقييم البيانات والمعلومات والمحتويات الرقمية"),
        ("1.3", "Gérer des données, des informations et des contenus numériques", "تدبير البيانات والمعلومات والمحتويات الرقمية"),
    ]),
    ("2", "Communication et collaboration", "التواصل والتعاون", [
        ("2.1", "Interagir au moyen des technologies numériques", "التفاعل بواسطة التكنولوجيات الرقمية"),
        ("2.2", "Partager au moyen des technologies numériques", "التقاسم بواسطة التكنولوجيات الرقمية"),
        ("2.3", "Exercer sa citoyenneté au moyen des technologies numériques", "ممارسة المواطنة بواسطة التكنولوجيات الرقمية"),
        ("2.4", "Collaborer au moyen des technologies numériques", "التعاون بواسطة التكنولوجيات الرقمية"),
        ("2.5", "Nétiquette (règles de conduite en ligne)", "آداب السلوك على الإنترنت"),
        ("2.6", "Gérer son identité numérique", "تدبير الهوية الرقمية"),
    ]),
    ("3", "Création de contenus numériques", "إنشاء المحتويات الرقمية", [
        ("3.1", "Développer des contenus numériques", "تطوير المحتويات الرقمية"),
        ("3.2", "Intégrer et retravailler des contenus numériques", "إدماج المحتويات الرقمية وإعادة صياغتها"),
        ("3.3", "Droits d'auteur et licences", "حقوق المؤلف والتراخيص"),
        ("3.4", "Programmation", "البرمجة"),
    ]),
    ("4", "Sécurité", "السلامة والأمان", [
        ("4.1", "Protéger les équipements", "حماية الأجهزة"),
        ("4.2", "Protéger les données personnelles et la vie privée", "حماية المعطيات الشخصية والحياة الخاصة"),
        ("4.3", "Protéger la santé et le bien-être", "حماية الصحة والرفاه"),
        ("4.4", "Protéger l'environnement", "حماية البيئة"),
    ]),
    ("5", "Résolution de problèmes", "حل المشكلات", [
        ("5.1", "Résoudre des problèmes techniques", "حل المشكلات التقنية"),
        ("5.2", "Identifier des besoins et les réponses technologiques adaptées", "تحديد الحاجيات والحلول التكنولوجية الملائمة"),
        ("5.3", "Utiliser les technologies numériques de façon créative", "استعمال التكنولوجيات الرقمية بشكل إبداعي"),
        ("5.4", "Repérer ses lacunes en compétences numériques", "تحديد الثغرات في الكفاءات الرقمية"),
    ]),
]  # fmt: skip


def install(apps, schema_editor):
    CompetenceArea = apps.get_model("courses", "CompetenceArea")
    Competence = apps.get_model("courses", "Competence")
    for code, name_fr, name_ar, competences in DIGCOMP_2_2:
        area, _ = CompetenceArea.objects.get_or_create(
            code=code, defaults={"name_fr": name_fr, "name_ar": name_ar}
        )
        for c_code, c_fr, c_ar in competences:
            Competence.objects.get_or_create(
                code=c_code, defaults={"name_fr": c_fr, "name_ar": c_ar, "area": area}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostic", "0001_initial"),
        ("courses", "0003_completion_rules_review_options_drafts"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
