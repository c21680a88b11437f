"""Forms and edits for the builder tests: the draft revision token, a large form."""

from etjanst.eservices import builder


def token(eservice) -> str:
    return builder.working_form(eservice)[1]


def edit(eservice, actor, change):
    return builder.edit_draft(eservice=eservice, actor=actor, token=token(eservice), change=change)


def big_form(steps: int = 20, per_step: int = 10) -> dict:
    """A form like the benchmark's: yes/no questions each followed by a text
    question shown when the answer is yes."""
    form = {"steps": []}
    for s in range(steps):
        questions = []
        for q in range(per_step):
            qid = f"s{s}_q{q}"
            if q % 2 == 0:
                questions.append(
                    {
                        "id": qid,
                        "type": "yes_no",
                        "label": f"Fråga {q} i steg {s}?",
                        "help_text": "Svara ja om det stämmer för dig.",
                    }
                )
            else:
                questions.append(
                    {
                        "id": qid,
                        "type": "short_text",
                        "label": f"Berätta mer om fråga {q - 1} i steg {s}",
                        "visible_if": {"question": f"s{s}_q{q - 1}", "equals": "yes"},
                    }
                )
        form["steps"].append({"id": f"steg_{s}", "title": f"Steg {s}", "questions": questions})
    form["steps"][0]["questions"].append({"id": "epost", "type": "email", "label": "E-post"})
    return form
