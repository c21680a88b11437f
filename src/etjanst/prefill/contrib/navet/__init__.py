"""Skatteverket's Navet (e-persondata, personpostXML) as a prefill source."""
