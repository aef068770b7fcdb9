import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from academy.territories.models import Territory
from academy.territories.selectors import (
    territory_ancestors,
    territory_breadcrumb,
    territory_children,
    territory_get,
    territory_level_counts,
    territory_lineage,
    territory_search,
    territory_subtree,
)
from academy.territories.services import DEFAULT_PATH, TerritoryFileError, territories_load

HEADER = "code,level,kind,name_fr,name_ar,parent_code,population_2014\n"
GOOD = HEADER + (
    "02,region,,Oriental,الشرق,,2314346\n"
    "02.113,province,,Berkane,بركان,02,\n"
    "02.113.01.09,commune,urban,Berkane,بركان,02.113,109237\n"
)


def _snapshot():
    return list(
        Territory.objects.order_by("code").values_list(
            "code", "path", "name_fr", "name_ar", "parent_id"
        )
    )


@pytest.fixture
def national(db):
    territories_load(raw=DEFAULT_PATH.read_bytes())


def test_official_file_loads_exact_counts_per_level(national):
    assert territory_level_counts() == {
        "region": 12,
        "prefecture": 13,
        "province": 62,
        "commune": 1503,
    }
    assert Territory.objects.filter(level="commune", kind="urban").count() == 242
    assert Territory.objects.filter(level="commune", kind="rural").count() == 1261


def test_reloading_the_official_file_changes_nothing(national):
    before = _snapshot()
    report = territories_load(raw=DEFAULT_PATH.read_bytes())
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert sum(report.unchanged.values()) == 1590
    assert _snapshot() == before


def test_command_prints_counts_per_level(db, capsys):
    call_command("load_territories", str(DEFAULT_PATH))
    out = capsys.readouterr().out
    assert "region         12" in out
    assert "commune      1503" in out


def test_subtree_of_a_province_is_the_province_and_its_communes(national):
    berkane = territory_get(code="02.113")
    subtree = territory_subtree(unit=berkane)
    assert {t.level for t in subtree} == {"province", "commune"}
    assert all(t.code.startswith("02.113") for t in subtree)
    assert subtree.count() == 1 + Territory.objects.filter(parent=berkane).count()


def test_ancestors_give_the_breadcrumb_region_province_commune(national):
    commune = territory_get(code="02.113.01.09")
    assert [t.code for t in territory_ancestors(unit=commune)] == ["02", "02.113", "02.113.01.09"]
    with translation.override("fr"):
        assert territory_breadcrumb(unit=commune) == "Oriental > Berkane > Berkane"
    with translation.override("ar"):
        assert territory_breadcrumb(unit=commune) == "الشرق > بركان > بركان"


def test_lineage_by_id_is_the_unit_and_its_ancestors_in_one_query(
    national, django_assert_num_queries
):
    commune = territory_get(code="02.113.01.09")
    region = territory_get(code="02")
    with django_assert_num_queries(1):
        lineage = territory_lineage(unit_id=commune.pk)
    assert lineage == territory_ancestors(unit=commune)
    assert territory_lineage(unit_id=region.pk) == [region]


def test_children_of_national_level_are_the_twelve_regions(national):
    assert territory_children(unit=None).count() == 12


def test_search_finds_units_in_both_scripts(national):
    assert "02.113" in {t.code for t in territory_search(query="Berkane")}
    assert "02.113" in {t.code for t in territory_search(query="بركان")}


def test_small_file_loads_and_parent_key_matches_tree(db):
    territories_load(raw=GOOD.encode())
    commune = Territory.objects.get(code="02.113.01.09")
    assert commune.parent.code == "02.113"
    assert commune.get_parent().code == "02.113"


def test_a_changed_name_is_updated_in_place(db):
    territories_load(raw=GOOD.encode())
    report = territories_load(raw=GOOD.replace("Oriental,", "L'Oriental,").encode())
    assert report.updated["region"] == 1
    assert Territory.objects.get(code="02").name_fr == "L'Oriental"


BAD_FILES = {
    "missing column": (GOOD.replace(",population_2014", ""), "missing column(s): population_2014"),
    "unknown parent": (GOOD + "02.999.01.01,commune,rural,X,س,02.999,1\n", "unknown parent 02.999"),
    "duplicate code": (GOOD + "02.113,province,,Berkane bis,بركان,02,\n", "duplicate code 02.113"),
    "wrong level order": (
        GOOD + "02.114.01.01,commune,rural,Y,ص,02,1\n",
        "a commune cannot sit under a region",
    ),
    "missing name": (GOOD + "02.113.01.11,commune,rural,,ص,02.113,1\n", "name_fr is empty"),
    "bad population": (
        GOOD + "02.113.01.11,commune,rural,Z,ص,02.113,many\n",
        "is not a whole number",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_naming_the_row_and_changes_nothing(db, case):
    territories_load(raw=GOOD.encode())
    before = _snapshot()
    text, message = BAD_FILES[case]
    with pytest.raises(TerritoryFileError) as excinfo:
        territories_load(raw=(text + "03,region,,Nouvelle,جديدة,,5\n").encode())
    assert any(message in e for e in excinfo.value.errors), excinfo.value.errors
    assert _snapshot() == before
    assert not Territory.objects.filter(code="03").exists()


def test_bad_encoding_is_refused_with_the_line(db):
    raw = (
        GOOD.encode("utf-8")
        + "02.113.01.11,commune,rural,Aïn,".encode("latin-1")
        + "ع,02.113,1\n".encode()
    )
    with pytest.raises(TerritoryFileError) as excinfo:
        territories_load(raw=raw)
    assert "line 5" in excinfo.value.errors[0] and "UTF-8" in excinfo.value.errors[0]
    assert Territory.objects.count() == 0


def test_command_exits_non_zero_on_a_bad_file(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("name_ar", "nom_ar"), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_territories", str(bad))
    assert Territory.objects.count() == 0


def test_loaded_tree_has_no_structural_problem(national):
    assert all(not ids for ids in Territory.find_problems())
    for unit in Territory.objects.filter(depth__gt=1).select_related("parent")[:200]:
        assert unit.path.startswith(unit.parent.path)


def test_a_unit_whose_code_does_not_extend_its_parent_code_is_refused(db):
    text = GOOD + "02.114.01.01,commune,rural,Zaio,زايو,02.113,1\n"
    with pytest.raises(TerritoryFileError, match="does not extend its parent"):
        territories_load(raw=text.encode())


def test_units_added_later_get_fresh_paths_beside_existing_siblings(db):
    territories_load(raw=GOOD.encode())
    territories_load(raw=(GOOD + "02.113.01.01,commune,urban,Ahfir,أحفير,02.113,19630\n").encode())
    assert all(not ids for ids in Territory.find_problems())
    berkane = Territory.objects.get(code="02.113")
    assert berkane.numchild == 2
    assert {c.code for c in berkane.get_children()} == {"02.113.01.09", "02.113.01.01"}


def test_the_subtree_rule_is_one_q_builder_on_territories_and_through_foreign_keys(small_tree):
    from academy.territories.models import Territory
    from tests.factories import UserFactory

    p1 = small_tree["p1"]
    assert set(Territory.objects.descendant_of(p1)) == {p1, small_tree["c1"], small_tree["c2"]}
    assert set(Territory.objects.descendant_of(p1, inclusive=False)) == {
        small_tree["c1"],
        small_tree["c2"],
    }
    inside = UserFactory(unit=small_tree["c2"])
    UserFactory(unit=small_tree["c3"])  # another region
    q = Territory.objects.descendant_of_q(p1, field="unit")
    assert list(type(inside).objects.filter(q)) == [inside]
