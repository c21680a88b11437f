"""python -m etjanst.simulators.navet --folder var/navet --port 8445"""

from etjanst.simulators.navet.server import main

if __name__ == "__main__":
    main()
