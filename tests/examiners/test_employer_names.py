"""Employer names compare as people mean them: width, case, spaces, punctuation and legal-form
suffixes do not make two employers different."""

from __future__ import annotations

import pytest

from engcert.examiners.domain.employers import employer_key, person_name_key, same_employer


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("山东电力建设第三工程有限公司", "山东电力建设第三工程公司"),
        ("山东电力建设第三工程有限公司", "山东电力建设第三工程"),
        ("山东电力建设第三工程有限公司", " 山东 电力建设 第三工程（有限公司） "),
        ("中国电力工程顾问集团有限公司", "中国电力工程顾问集团"),
        ("中国电力工程顾问集团有限公司", "中国电力工程顾问"),
        ("特变电工股份有限公司", "特变电工"),
        ("南方电网科学研究院有限责任公司", "南方电网科学研究院"),
        ("中国葛洲坝集团股份有限公司", "中国葛洲坝"),
        ("ＳＥＰＣＯⅢ电力建设", "SEPCOIII电力建设"),  # full-width letters and the Roman numeral Ⅲ
        ("SEPCOIII Electric Power Construction Co., Ltd.", "sepcoiii electric power construction"),
        ("Siemens Energy Co., Ltd.", "SIEMENS ENERGY LIMITED"),
        ("ABB (China) Ltd.", "abb china"),
        ("国网·北京电力", "国网北京电力"),
    ],
)
def test_the_same_employer_written_differently_has_one_key(first, second):
    assert employer_key(first) == employer_key(second)
    assert same_employer(first, second) is True


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("山东电力建设第三工程有限公司", "山东电力建设第一工程有限公司"),
        ("华北电力大学", "华北电力大学（保定）"),
        ("国网北京电力公司", "国网天津电力公司"),
        ("ABB (China) Ltd.", "ABB Power Grids Ltd."),
    ],
)
def test_different_employers_keep_different_keys(first, second):
    assert same_employer(first, second) is False


def test_the_key_is_lower_case_half_width_and_without_suffix():
    assert employer_key("ＳＥＰＣＯ　Co., Ltd.") == "sepco"
    assert employer_key("中国电建集团股份有限公司") == "中国电建"


def test_a_name_that_is_only_a_legal_form_is_kept_and_an_empty_name_matches_nothing():
    assert employer_key("有限公司") == "有限公司"
    assert employer_key("Ltd.") == "ltd"
    assert employer_key("") == ""
    assert employer_key(" ，。 ") == ""
    assert same_employer("", "") is False
    assert same_employer(" ，", "。") is False


def test_person_names_ignore_spaces_width_and_case():
    assert person_name_key("王 伟") == person_name_key("王伟")
    assert person_name_key("Wang Wei") == person_name_key("ＷＡＮＧ　wei")
    assert person_name_key("王伟") != person_name_key("王玮")
