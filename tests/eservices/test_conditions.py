import pytest

from etjanst.eservices.conditions import condition_holds, visible_answers, visible_steps
from etjanst.eservices.formschema import Condition, parse_form


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        (Condition("a", "equals", "x"), {"a": "x"}, True),
        (Condition("a", "equals", "x"), {"a": "y"}, False),
        (Condition("a", "equals", "x"), {}, False),
        (Condition("a", "not_equals", "x"), {"a": "y"}, True),
        (Condition("a", "not_equals", "x"), {"a": "x"}, False),
        (Condition("a", "one_of", ["x", "y"]), {"a": "y"}, True),
        (Condition("a", "one_of", ["x", "y"]), {"a": "z"}, False),
        (Condition("a", "checked", True), {"a": True}, True),
        (Condition("a", "checked", True), {}, False),
        (Condition("a", "checked", False), {}, True),
        (Condition("a", "checked", True), {"a": "no"}, False),  # yes_no: a no is not a tick
        (Condition("a", "checked", True), {"a": [{"id": "f"}]}, True),  # an attached file
        (Condition("a", "equals", "x"), {"a": ["x", "y"]}, True),  # multiple choice: contains
        (Condition("a", "not_equals", "x"), {"a": ["y"]}, True),
        (Condition("a", "one_of", ["q", "y"]), {"a": ["x", "y"]}, True),
        (Condition("a", "equals", 3), {"a": 3}, True),
        (Condition("a", "equals", True), {"a": "yes"}, True),
    ],
)
def test_condition_operators(condition, answers, expected):
    assert condition_holds(condition, answers) is expected


FORM = parse_form(
    {
        "steps": [
            {
                "id": "one",
                "title": "Ett",
                "questions": [
                    {"id": "has_car", "type": "yes_no", "label": "Bil?"},
                    {
                        "id": "reg",
                        "type": "short_text",
                        "label": "Regnummer",
                        "visible_if": {"question": "has_car", "equals": "yes"},
                    },
                    {
                        "id": "colour",
                        "type": "short_text",
                        "label": "Färg",
                        "visible_if": {"question": "reg", "not_equals": ""},
                    },
                ],
            },
            {
                "id": "car",
                "title": "Bilen",
                "visible_if": {"question": "has_car", "equals": "yes"},
                "questions": [{"id": "model", "type": "short_text", "label": "Modell"}],
            },
        ]
    }
)


def test_hidden_answers_are_dropped_in_form_order():
    answers = {"has_car": "no", "reg": "ABC123", "colour": "röd", "model": "Volvo"}
    assert visible_answers(FORM, answers) == {"has_car": "no"}


def test_a_step_with_a_false_condition_is_skipped():
    assert [s.id for s in visible_steps(FORM, {"has_car": "no"})] == ["one"]
    assert [s.id for s in visible_steps(FORM, {"has_car": "yes"})] == ["one", "car"]
