#!/usr/bin/env python3
# v2c - move VMware virtual machines onto Kubernetes
# Copyright (C) 2026 the v2c authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/windows/empty-hive.py OUT [ROOTNAME [FILENAME]]
#
# Write an empty Windows registry hive (regf format) to OUT: the 4 KiB
# base block and one 4 KiB hive bin holding the root key ('nk' cell),
# its security cell ('sk' cell) and a free cell for the rest of the
# bin.  hivex cannot create a hive from nothing, but it can add keys and
# values to this one (hivexregedit --merge).
#
# Layout (all integers little-endian, cell offsets relative to the first
# hive bin, i.e. file offset - 4096):
#   base block: "regf", sequence numbers (equal: the hive is clean),
#     time stamp, version 1.3, type 0 (primary), format 1, root cell
#     offset, size of the hive bins, clustering 1, file name (UTF-16LE,
#     64 bytes: its last 31 characters), and at 0x1fc the XOR of the
#     127 dwords before it
#   hive bin: "hbin", its offset, its size, time stamp; then cells, each
#     a signed 32-bit size (negative: in use) and 8-byte aligned

import struct
import sys

BLOCK = 4096
NONE = 0xFFFFFFFF

# 2024-03-01 00:00:00 UTC as a FILETIME (100 ns since 1601-01-01).
FILETIME = (1709251200 + 11644473600) * 10000000


def sid(revision_authority, subauthorities):
    return (
        struct.pack("<BB", 1, len(subauthorities))
        + revision_authority.to_bytes(6, "big")
        + b"".join(struct.pack("<I", s) for s in subauthorities)
    )


def security_descriptor():
    """Self-relative descriptor: owner Administrators, group SYSTEM, a
    DACL giving Everyone full access to the key and its subkeys."""
    owner = sid(5, [32, 544])
    group = sid(5, [18])
    everyone = sid(1, [0])
    # ACCESS_ALLOWED_ACE: type 0, flags CONTAINER_INHERIT (2), size,
    # mask KEY_ALL_ACCESS, SID
    ace_len = 8 + len(everyone)
    ace = struct.pack("<BBHI", 0, 2, ace_len, 0x000F003F) + everyone
    acl = struct.pack("<BBHHH", 2, 0, 8 + len(ace), 1, 0) + ace
    header_len = 20
    off_owner = header_len
    off_group = off_owner + len(owner)
    off_dacl = off_group + len(group)
    # control: SE_SELF_RELATIVE | SE_DACL_PRESENT
    header = struct.pack("<BBHIIII", 1, 0, 0x8004, off_owner, off_group, 0, off_dacl)
    return header + owner + group + acl


def cell(payload):
    size = (4 + len(payload) + 7) & ~7
    return struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))


def main():
    if not 2 <= len(sys.argv) <= 4:
        sys.stderr.write("usage: empty-hive.py OUT [ROOTNAME [FILENAME]]\n")
        return 2
    out = sys.argv[1]
    rootname = (sys.argv[2] if len(sys.argv) > 2 else "ROOT").encode("ascii")
    filename = sys.argv[3] if len(sys.argv) > 3 else ""

    hbin_header = 32
    nk_off = hbin_header
    nk_len = (4 + 76 + len(rootname) + 7) & ~7
    sk_off = nk_off + nk_len

    # root key: KEY_HIVE_ENTRY | KEY_NO_DELETE | KEY_COMP_NAME
    nk = struct.pack(
        "<2sHQIIIIIIIIIIIIIIIHH",
        b"nk",
        0x002C,
        FILETIME,
        0,  # spare (access bits in 1.5)
        0,  # parent: none for the root
        0,  # subkeys
        0,  # volatile subkeys
        NONE,  # subkey list
        NONE,  # volatile subkey list
        0,  # values
        NONE,  # value list
        sk_off,  # security
        NONE,  # class name
        0,  # largest subkey name length
        0,  # largest subkey class name length
        0,  # largest value name length
        0,  # largest value data size
        0,  # work variable
        len(rootname),
        0,  # class name length
    ) + rootname
    nk_cell = cell(nk)
    assert len(nk_cell) == nk_len

    sd = security_descriptor()
    # the only sk cell: its list links point at itself; one user (root)
    sk = struct.pack("<2sHIIII", b"sk", 0, sk_off, sk_off, 1, len(sd)) + sd
    sk_cell = cell(sk)

    used = hbin_header + len(nk_cell) + len(sk_cell)
    free = BLOCK - used
    assert free >= 8 and free % 8 == 0
    free_cell = struct.pack("<i", free) + b"\0" * (free - 4)

    hbin = struct.pack("<4sIIQQI", b"hbin", 0, BLOCK, 0, FILETIME, 0)
    hbin += nk_cell + sk_cell + free_cell
    assert len(hbin) == BLOCK

    base = bytearray(BLOCK)
    struct.pack_into(
        "<4sIIQIIIIIII",
        base,
        0,
        b"regf",
        1,  # primary sequence number
        1,  # secondary sequence number
        FILETIME,
        1,  # major version
        3,  # minor version
        0,  # file type: primary
        1,  # file format: direct memory load
        nk_off,  # root cell
        len(hbin),  # size of the hive bins data
        1,  # clustering factor
    )
    # the last 31 characters, as Windows keeps them, NUL-terminated
    name = filename.encode("utf-16-le")[-62:]
    base[0x30 : 0x30 + len(name)] = name
    checksum = 0
    for (word,) in struct.iter_unpack("<I", bytes(base[:0x1FC])):
        checksum ^= word
    if checksum == 0xFFFFFFFF:
        checksum = 0xFFFFFFFE
    elif checksum == 0:
        checksum = 1
    struct.pack_into("<I", base, 0x1FC, checksum)

    with open(out, "wb") as f:
        f.write(bytes(base) + hbin)
    return 0


if __name__ == "__main__":
    sys.exit(main())
