#!/usr/bin/env python3
"""Every cell of an XLSX workbook's first sheet as openpyxl reads it, as JSON on stdout:
{"title": sheet name, "freeze": "A5" or null, "rows": [[{"t": "s|n|d|b|none", "v": value, "fmt": number format}]]}.
Dates and date-times come as ISO 8601 without offset (what the cell holds). Used by the register export tests."""
import datetime
import json
import sys

import openpyxl


def cell(c):
    v = c.value
    if v is None:
        return {"t": "none", "v": None, "fmt": c.number_format}
    if isinstance(v, bool):
        return {"t": "b", "v": v, "fmt": c.number_format}
    if isinstance(v, (int, float)):
        return {"t": "n", "v": v, "fmt": c.number_format}
    if isinstance(v, (datetime.datetime, datetime.date)):
        if not isinstance(v, datetime.datetime):
            v = datetime.datetime(v.year, v.month, v.day)
        return {"t": "d", "v": v.isoformat(timespec="seconds"), "fmt": c.number_format}
    return {"t": "s", "v": str(v), "fmt": c.number_format}


def main(path):
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows = [[cell(c) for c in row] for row in ws.iter_rows()]
    json.dump({"title": ws.title, "freeze": ws.freeze_panes, "rows": rows}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
