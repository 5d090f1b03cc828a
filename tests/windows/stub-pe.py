#!/usr/bin/env python3
# v2c - move VMware virtual machines onto Kubernetes
# Copyright (C) 2026 the v2c authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/windows/stub-pe.py OUT [console|gui]
#
# Write the headers of an x86-64 Windows executable (PE32+, no sections,
# never meant to run) to OUT.  libguestfs takes a Windows guest's
# architecture from what file(1) says of %SYSTEMROOT%/System32/cmd.exe,
# so the phony guest's cmd.exe must look like a real one to libmagic:
# an MS-DOS header ("MZ", the PE header's offset at 0x3c), "PE\0\0", a
# COFF header (machine 0x8664) and a PE32+ optional header (magic
# 0x20b) with its subsystem (3: console, 2: GUI).

import struct
import sys

PE_OFF = 0x80
OPT_LEN = 240  # PE32+ optional header with 16 data directories


def main():
    kinds = ("console", "gui")
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] not in kinds):
        sys.stderr.write("usage: stub-pe.py OUT [console|gui]\n")
        return 2
    subsystem = 2 if len(sys.argv) == 3 and sys.argv[2] == "gui" else 3

    dos = bytearray(PE_OFF)
    # MS-DOS header: magic, bytes on the last page, pages, relocations,
    # header paragraphs, min/max allocation, ss, sp, checksum, ip, cs,
    # relocation table, overlay
    struct.pack_into(
        "<2sHHHHHHHHHHHHH", dos, 0, b"MZ", 0x90, 3, 0, 4, 0, 0xFFFF, 0, 0xB8, 0, 0, 0, 0x40, 0
    )
    struct.pack_into("<I", dos, 0x3C, PE_OFF)

    # COFF: machine, sections, time stamp (2024-03-01), symbol table,
    # symbols, size of the optional header, characteristics
    # (EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE)
    coff = struct.pack("<HHIIIHH", 0x8664, 0, 1709251200, 0, 0, OPT_LEN, 0x0022)

    opt = bytearray(OPT_LEN)
    struct.pack_into(
        "<HBBIIIII",
        opt,
        0,
        0x20B,  # PE32+
        14,  # linker version
        0,
        0,  # size of code
        0,  # initialized data
        0,  # uninitialized data
        0x1000,  # entry point
        0x1000,  # base of code
    )
    struct.pack_into("<Q", opt, 24, 0x140000000)  # image base
    struct.pack_into("<II", opt, 32, 0x1000, 0x200)  # section, file alignment
    struct.pack_into("<HHHHHH", opt, 40, 10, 0, 10, 0, 10, 0)  # OS, image, subsystem versions
    struct.pack_into("<III", opt, 56, 0x1000, 0x200, 0)  # image size, headers size, checksum
    struct.pack_into("<HH", opt, 68, subsystem, 0x8160)  # subsystem, DLL characteristics
    struct.pack_into("<QQQQ", opt, 72, 0x100000, 0x1000, 0x100000, 0x1000)  # stack, heap
    struct.pack_into("<II", opt, 104, 0, 16)  # loader flags, data directories

    image = bytes(dos) + b"PE\0\0" + coff + bytes(opt)
    image += b"\0" * (0x200 - len(image))
    with open(sys.argv[1], "wb") as f:
        f.write(image)
    return 0


if __name__ == "__main__":
    sys.exit(main())
