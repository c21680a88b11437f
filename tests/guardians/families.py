"""The Navet simulator's families (Skatteverket's test personnummer), by
the case each one covers. See simulators/navet/server.py FAMILIES."""

# Joint custody, the same address (the demo family).
TOGETHER = ("197601212397", "197601272383")
TOGETHER_CHILDREN = ("202003302383", "202005242397")
# Joint custody, different addresses (the children live with the first).
APART = ("197602112398", "197601292381")
APART_CHILDREN = ("201008202382", "201009082395", "201009152388")  # the first: 18 on 2028-08-20
# Sole custody.
SOLE = "197205169266"
SOLE_CHILD = "201007172388"
# A guardian with protected identity (sekretessmarkering), and the other one.
PROTECTED_GUARDIAN, OTHER_OF_PROTECTED = "196611252666", "195811123073"
CHILD_OF_PROTECTED = "201007202383"
# A child with protected identity of its own (skyddad folkbokföring).
PROTECTED_CHILD_GUARDIANS = ("195707102801", "195701292897")
PROTECTED_CHILD = "201012022396"
# A parent without custody of their child (the other parent has sole custody).
NO_CUSTODY, NO_CUSTODY_CHILD = "195606172798", "201012142392"
# A child registered in another municipality (kommunkod 9998).
ELSEWHERE_GUARDIANS = ("194809132527", "194907121794")
ELSEWHERE_CHILD = "201101132395"
# Not a guardian of anyone.
STRANGER = "194105199121"
