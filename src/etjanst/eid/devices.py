"""Whether the resident's browser runs on a phone or tablet, read from the
User-Agent: BankID's guidelines put "BankID på den här enheten" first there
(the BankID app is on the same device), and "Mobilt BankID på en annan
enhet" first on a computer.

A library (ua-parser, user-agents) would bring a large regular-expression
database for what is one yes/no question; the tokens below are the ones
browsers document for it (MDN: "Mobi" in every mobile browser, plus Android
and the iOS device names; tablets that leave out "Mobi"). An iPad that asks
for the desktop site says "Macintosh" and gets the computer order, which
still offers both choices."""

import re

HANDHELD = re.compile(r"Mobi|Android|iPhone|iPad|iPod|Tablet|Silk/|Kindle|PlayBook", re.I)


def is_handheld(user_agent: str) -> bool:
    return bool(HANDHELD.search(user_agent or ""))
