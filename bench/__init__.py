"""The benchmark (`make bench`): making synthetic handbooks (synthetic.py, handbooks.py),
measuring the handbook's commands on them (measure.py), and reporting figures against targets
(report.py); run.py ties them together. Run it as `python -m bench.run` from the repository root."""

from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
