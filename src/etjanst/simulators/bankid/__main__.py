"""python -m etjanst.simulators.bankid --folder var/bankid --api-port 8443 --app-port 8444"""

from etjanst.simulators.bankid.server import main

if __name__ == "__main__":
    main()
