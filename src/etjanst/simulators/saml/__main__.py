"""python -m etjanst.simulators.saml --folder var/saml --port 8445"""

from etjanst.simulators.saml.server import main

if __name__ == "__main__":
    main()
