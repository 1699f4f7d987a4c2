"""County configuration: townships and departments of the reference county 莒县."""

import pytest

from zhongshu.core.county import County, load_county
from zhongshu.core.errors import NotFound

DEPARTMENT_CODES = (
    "gov dsj gaj scjgj rsj mzj wjj zjj jtj sthj jtysj zrzyj nyncj slj yjglj zfj wlj ybj tyjrj rx12345 gdgs"
).split()


def test_reference_county_identity():
    county = load_county()
    assert isinstance(county, County)
    assert (county.code, county.name, county.city, county.province) == ("371122", "莒县", "日照市", "山东省")
    assert county.landline_area_code == "0633"
    assert county.full_name == "山东省日照市莒县"
    assert load_county("371122") is county  # cached


def test_townships_match_the_division_table():
    county = load_county()
    kinds = [t.kind for t in county.townships]
    assert len(county.townships) == 21
    assert (kinds.count("街道"), kinds.count("镇"), kinds.count("乡"), kinds.count("开发区")) == (5, 14, 1, 1)
    assert county.township("371122001").name == "城阳街道"
    assert county.township("371122206").name == "库山乡"
    assert county.township("371122400").name == "莒县经济开发区"
    assert county.township_by_name("招贤镇").code == "371122102"
    assert all(t.code.startswith("371122") and len(t.code) == 9 for t in county.townships)


def test_departments_have_the_agreed_codes_and_tree():
    county = load_county()
    codes = {d.code for d in county.departments}
    assert set(DEPARTMENT_CODES) <= codes
    assert county.root.code == "gov"
    assert county.department("gaj").name == "莒县公安局"
    assert county.department("gaj").short_name == "公安局"
    assert county.department("sthj").name == "日照市生态环境局莒县分局"
    assert county.department("gdgs").kind == "utility"
    assert county.department("rx12345").name == "莒县12345政务服务便民热线中心"
    assert all(d.parent == "gov" for d in county.departments if d.code != "gov")
    assert all(d.name and d.short_name and d.name_en for d in county.departments)
    assert len(county.children("gov")) == len(county.departments) - 1


def test_townships_are_departments():
    county = load_county()
    townships = [d for d in county.departments if d.kind == "township"]
    assert {d.code for d in townships} == {t.code for t in county.townships}
    assert county.department("371122102").short_name == "招贤镇"


@pytest.mark.parametrize("code", ["999999", "abc", "3711221"])
def test_unknown_county(code):
    with pytest.raises(NotFound):
        load_county(code)


def test_unknown_units():
    county = load_county()
    with pytest.raises(NotFound):
        county.township("371122999")
    with pytest.raises(NotFound):
        county.department("nope")
