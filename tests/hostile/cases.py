"""The hostile inputs of the probe (issue 13), one row each: how to build the input, the command,
and a word the one-line error must contain. Big inputs are generated in the test's tmp folder."""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HTS_RECORD = ('[{"htsno": "8703.23.01", "indent": "2", "description": "d", "general": "2.5%", '
              '"special": "Free (S)", "other": "", "footnotes": []}]')


@dataclass(frozen=True)
class Case:
    """One probe case: ``build(tmp) -> (argv, extra environment)``; ``expect`` must be in the line."""

    name: str
    build: Callable[[Path], tuple[list[str], dict[str, str]]]
    expect: str
    needs_shared: bool = False
    env: dict[str, str] = field(default_factory=dict)


def _write(p: Path, text: str) -> Path:
    p.write_text(text, encoding="utf-8")
    return p


def _rows(p: Path, header: str, row: str, n: int) -> Path:
    """A CSV of ``n`` identical rows, written in blocks (10M rows in a few seconds)."""
    block = (row + "\n") * 100_000
    with open(p, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for _ in range(n // 100_000):
            fh.write(block)
    return p


def _bom(n: int) -> str:
    mats = "\n".join(f"  - {{id: m{i}, hs: '8503.00', value: 1.0, origin: non_originating, country: CN}}"
                     for i in range(n))
    return ("good: {description: motor, hs: '8501.52', produced_in: MX, date: 2025-03-01, method: TV, "
            f"transaction_value: 1000000}}\nmaterials:\n{mats}\n")


def _tariffs(tmp: Path, value: str) -> Path:
    return _write(tmp / "tariffs.csv", f"importer,exporter,sector,tariff\nUSA,Mexico,*,{value}\n")


def _baci(tmp: Path) -> Path:
    return _write(tmp / "baci.csv", "t,i,j,k,v,q\n2022,124,484,870323,1.5,2\n")


def _gzip_bomb(tmp: Path) -> Path:
    """About 4 MB of valid gzip that expands to 4 GiB of zeros (``gzip -l`` agrees).

    A deflate stream after a full flush does not refer back past it, so one compressed 16 MiB
    block of zeros is repeated 256 times; the trailer carries the true CRC-32 and size.
    """
    zeros = b"\0" * (1 << 24)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(256):
        crc = zlib.crc32(zeros, crc)
    p = tmp / "hts_2025_basic.json.gz"
    p.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + first + again * 255 + c.flush()
                  + struct.pack("<II", crc, (256 << 24) & 0xFFFFFFFF))
    return p


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "bom.yaml")
    return tmp / "bom.yaml"


def _big_folder(tmp: Path) -> Path:
    """1.3 GB of BOM files (sparse: the sizes are real, the disk holds almost nothing)."""
    d = tmp / "boms"
    d.mkdir()
    for i in range(13):
        with open(d / f"bom{i:02d}.yaml", "wb") as fh:
            fh.write(_bom(1).encode())
            fh.truncate(100_000_000)
    return d


def _parties(tmp: Path) -> Path:
    text = (EXAMPLES / "certificate" / "parties.yaml").read_text(encoding="utf-8")
    return _write(tmp / "parties.yaml", text.replace("country: MX", "country: ZZ", 1))


def _hts(tmp: Path) -> Path:
    return _write(tmp / "hts.json", HTS_RECORD)


BOM = str(EXAMPLES / "electronics_bom.yaml")
CASES = [
    Case("ge solve --theta 1e308", lambda t: (["ge", "solve", "--model", "caliendo-parro", "--tariffs",
                                                str(EXAMPLES / "ge" / "us_mex_free_trade.csv"), "--theta", "1e308"], {}),
         "--theta"),
    Case("review scenario nested 10,000 deep",
         lambda t: (["review", "--json", "--scenario", str(_write(t / "deep.yaml", "a: " + "[" * 10_000 + "]" * 10_000))], {}),
         "too deeply"),
    Case("review --baseline empty", lambda t: (["review", "--json", "--baseline", str(_write(t / "b.json", ""))], {}),
         "baseline"),
    Case("review --baseline binary",
         lambda t: (["review", "--json", "--baseline", str(t / "b.json")], {}) if (t / "b.json").write_bytes(
             bytes(range(256)) * 16) else ([], {}), "baseline"),
    Case("BACI id beyond int64", lambda t: (["data", "load", "baci", str(_write(
        t / "baci.csv", "t,i,j,k,v,q\n2022,99999999999999999999,484,870323,1.5,2\n")), "--store", str(t / "s.duckdb")], {}),
         "column 'i'"),
    Case("store path not a DuckDB file", lambda t: (["data", "load", "baci", str(_baci(t)), "--store", str(_write(
        t / "s.duckdb", "hello, not a database\n" * 50))], {}), "not a DuckDB"),
    Case("BOM of 100,000 materials", lambda t: (["origin", "qualify", "--json", str(_write(t / "bom.yaml", _bom(100_000)))], {}),
         "at most"),
    Case("flows CSV of 10M rows", lambda t: (["tariffs", "etr", "--json", "--flows", str(_rows(
        t / "flows.csv", "hts10,partner,month,value,usmca_value", "8703230190,MX,2025-03,1000,500", 10_000_000))], {}),
         "at most"),
    Case("named pipe as BOM", lambda t: (["origin", "qualify", "--json", str(_fifo(t))], {}), "named pipe"),
    Case("folder of 1.3 GB of BOMs", lambda t: (["origin", "qualify", "--json", str(_big_folder(t))], {}), "at most"),
    Case("origin qualify /dev/zero", lambda t: (["origin", "qualify", "--json", "/dev/zero"], {}), "device"),
    Case("gzip of 4 MB expanding to 4 GiB", lambda t: (["data", "load", "hts", str(_gzip_bomb(t)), "--store",
                                                         str(t / "s.duckdb")], {}), "expands beyond"),
    Case("DataWeb CSV of 10M rows", lambda t: (["data", "load", "dataweb", "--store", str(t / "s.duckdb"), str(_rows(
        t / "dw.csv", "Country,HTS Number,Year,Month,Customs Value", "Mexico,8703230190,2025,3,1000", 10_000_000))], {}),
         "at most"),
    Case("certifier country ZZ", lambda t: (["origin", "certificate", BOM, "--parties", str(_parties(t)), "--json"], {}),
         "certifier.country"),
    Case("ge solve tariff 1e308", lambda t: (["ge", "solve", "--model", "caliendo-parro", "--tariffs",
                                              str(_tariffs(t, "1e308"))], {}), "tariff", needs_shared=True),
    Case("ge solve tariff 1000", lambda t: (["ge", "solve", "--model", "caliendo-parro", "--tariffs",
                                             str(_tariffs(t, "1000"))], {}), "tariff", needs_shared=True),
    Case("--theta-cv nan", lambda t: (["ge", "replicate", "cp2015", "--theta-cv", "nan"], {}), "--theta-cv"),
    Case("--theta-cv -1", lambda t: (["ge", "replicate", "cp2015", "--theta-cv", "-1"], {}), "--theta-cv"),
    Case("effective date 1900", lambda t: (["data", "load", "hts", str(_hts(t)), "--effective-from", "1900-01-01",
                                            "--store", str(t / "s.duckdb")], {}), "span"),
    Case("effective date 2099", lambda t: (["data", "load", "hts", str(_hts(t)), "--effective-from", "2099-01-01",
                                            "--store", str(t / "s.duckdb")], {}), "span"),
    Case("store path a CSV", lambda t: (["data", "load", "baci", str(_baci(t)), "--store",
                                         str(_write(t / "store.csv", "a,b\n1,2\n"))], {}), "store"),
    Case("store path a new .csv", lambda t: (["data", "load", "baci", str(_baci(t)), "--store", str(t / "new.csv")], {}),
         "not a store"),
    Case("store path a folder", lambda t: (["tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date",
                                            "2025-03-01", "--value", "1000"], {"USMCA_STORE": str(t)}), "folder"),
]
