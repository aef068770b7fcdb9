import pytest
from django.utils import translation

from courses.models import CataloguePage, CoursePage
from courses.selectors import CatalogueFilters, catalogue_courses


def _slugs(entries):
    return sorted(e.course.slug for e in entries)


def test_catalogue_lists_courses_in_the_learners_language(demo):
    entries = catalogue_courses(language="ar")
    assert _slugs(entries) == ["registre-numerique", "securite-donnees"]
    assert all(e.course.locale.language_code == "ar" and not e.fallback for e in entries)


def test_catalogue_falls_back_to_the_other_language_and_marks_it(demo):
    CoursePage.objects.get(slug="securite-donnees", locale__language_code="ar").unpublish()
    entries = {e.course.slug: e for e in catalogue_courses(language="ar")}
    assert entries["securite-donnees"].fallback is True
    assert entries["securite-donnees"].course.locale.language_code == "fr"
    assert entries["registre-numerique"].fallback is False


@pytest.mark.parametrize(
    "filters, expected",
    [
        (CatalogueFilters(theme="cybersecurity"), ["securite-donnees"]),
        (CatalogueFilters(level="beginner"), ["registre-numerique"]),
        (CatalogueFilters(area="4"), ["securite-donnees"]),
        (CatalogueFilters(area="1"), ["registre-numerique"]),
        (CatalogueFilters(duration="medium"), ["registre-numerique"]),
        (CatalogueFilters(duration="long"), ["securite-donnees"]),
        (CatalogueFilters(duration="short"), []),
        (CatalogueFilters(theme="cybersecurity", level="beginner"), []),
    ],
)
def test_catalogue_filters(demo, filters, expected):
    assert _slugs(catalogue_courses(language="fr", filters=filters)) == expected


def test_catalogue_language_filter_shows_only_courses_available_in_that_language(demo):
    CoursePage.objects.get(slug="securite-donnees", locale__language_code="ar").unpublish()
    entries = catalogue_courses(language="fr", filters=CatalogueFilters(language="ar"))
    assert _slugs(entries) == ["registre-numerique"]
    assert entries[0].course.locale.language_code == "ar" and entries[0].fallback


@pytest.mark.parametrize(
    "query, expected",
    [
        ("registre", ["registre-numerique"]),  # fr title
        ("hameçonnage", ["securite-donnees"]),  # fr title
        ("horodate", ["registre-numerique"]),  # fr lesson text only
        ("مفخخة", ["securite-donnees"]),  # ar summary
        ("الإسناد", ["registre-numerique"]),  # ar lesson text only
        ("calendrier", ["registre-numerique"]),  # optional module's lesson
        ("introuvable", []),
    ],
)
def test_catalogue_search_in_both_languages(demo, query, expected):
    entries = catalogue_courses(language="fr", filters=CatalogueFilters(query=query))
    assert _slugs(entries) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("numéri", ["registre-numerique"]),  # beginning of a French word
        ("NUMERIQUE", ["registre-numerique"]),  # case and accents ignored
        ("registre courr", ["registre-numerique"]),  # every word, each partial
        ("hamecon", ["securite-donnees"]),  # "hameçonnage" without its cedilla
        ("رقمي", ["registre-numerique"]),  # inside "الرقمي"
        ("المراسل", ["registre-numerique"]),  # beginning of "للمراسلات"
        ("الاحتيال", ["securite-donnees"]),  # alef without its hamza
        ("numéri introuvable", []),
    ],
)
def test_catalogue_search_matches_partial_words_ignoring_case_and_accents(demo, query, expected):
    entries = catalogue_courses(language="ar", filters=CatalogueFilters(query=query))
    assert _slugs(entries) == expected


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalogue_query_count_for_a_signed_in_learner_is_bounded(
    demo, client, language, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="catalogue.reader"))
    url = f"/{language}/"
    client.get(url)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200


def test_catalogue_page_renders_filters_and_results(demo, client, django_assert_max_num_queries):
    with translation.override("ar"):
        catalogue = CataloguePage.objects.get(locale__language_code="ar")
        url = catalogue.url
    assert url == "/ar/"
    with django_assert_max_num_queries(25):
        response = client.get(url, {"theme": "cybersecurity", "bogus": "1", "level": "nonsense"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "التصيد الاحتيالي وحماية المعطيات" in html
    assert "السجل الرقمي للمراسلات" not in html
    assert 'name="area"' in html and "السلامة" in html


def test_fr_catalogue_is_the_default_site_root(demo, client):
    response = client.get("/fr/")
    assert response.status_code == 200
    assert "Le registre numérique du courrier" in response.content.decode()


def test_phone_sees_courses_before_a_folded_filter_panel(demo, client):
    html = client.get("/ar/").content.decode()
    assert html.index('class="card-grid"') < html.index('<details class="filters')
    assert '<details class="filters stacked">' in html  # folded: no filter applied
    assert 'form="catalogue-search" id="f-theme"' in html  # still submitted with the search
    filtered = client.get("/ar/", {"level": "beginner"}).content.decode()
    assert '<details class="filters stacked" open>' in filtered


def test_catalogue_durations_take_the_arabic_plural_and_never_wrap(demo, client):
    html = client.get("/ar/").content.decode()
    assert '<span class="nowrap">8 ساعات</span>' in html
    assert '<span class="nowrap">3 ساعات</span>' in html
    assert "<bdi>التصيد الاحتيالي وحماية المعطيات</bdi>" in html  # titles isolated
    french = client.get("/fr/").content.decode()
    assert '<span class="nowrap">8 heures</span>' in french
