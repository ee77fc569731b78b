"""Byte-exact re-implementation of gopkg.in/yaml.v3 v3.0.1 ``yaml.Marshal`` output.

Record hashes are SHA-256 digests of what the Go tool's ``yaml.Marshal`` prints,
so this module has to agree with yaml.v3 on every byte, including on inputs
where yaml.v3's choices are surprising (or even produce YAML that does not
round-trip).  It therefore mirrors the relevant parts of yaml.v3 closely:

* ``encode.go`` ``stringv``: which style the encoder *asks* for (literal when the
  string contains ``\\n``; double-quoted when a plain scalar would resolve to a
  non-string, or would be a YAML 1.1 bool or base-60 float; plain otherwise).
* ``resolve.go``: the implicit-type resolver that drives that decision.
* ``emitterc.go``: the scalar analysis that may downgrade the requested style,
  the scalar writers, and the column/indentation bookkeeping of the block
  emitter (yaml.v3 emits with an unlimited width, so nothing is ever folded).

Only the shapes the record struct can produce are supported: a block mapping
whose values are strings, bools, sequences of strings, or sequences of
string-to-string mappings.  Standard library only: this runs on hot paths.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from typing import Literal, TypeAlias

__all__ = ["Mapping", "Scalar", "Value", "emit_document", "emit_scalar"]

Scalar: TypeAlias = str | bool
Mapping: TypeAlias = list[tuple[str, str]]
Value: TypeAlias = str | bool | list[str] | list[Mapping]

_Style = Literal["plain", "single", "double", "literal"]

# yaml.v3 (like libyaml) treats all five of these as line breaks, not just \n.
_BREAKS: frozenset[str] = frozenset("\r\n\x85\u2028\u2029")

_FIRST_CHAR_INDICATORS: frozenset[str] = frozenset("#,[]{}&*!|>'\"%@`")

# Escapes with a dedicated short form in libyaml's double-quoted writer.
_SHORT_ESCAPES: dict[str, str] = {
    "\0": "0",
    "\a": "a",
    "\b": "b",
    "\t": "t",
    "\n": "n",
    "\v": "v",
    "\f": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}


def _is_printable(ch: str) -> bool:
    # libyaml's is_printable works on UTF-8 lead bytes; expressed on code
    # points it excludes C0/C1 controls (bar \n), DEL, surrogates, U+FEFF,
    # U+FFFE/U+FFFF and, notably, everything outside the BMP.
    cp = ord(ch)
    return (
        cp == 0x0A
        or 0x20 <= cp <= 0x7E
        or 0xA0 <= cp <= 0xD7FF
        or (0xE000 <= cp <= 0xFFFD and cp != 0xFEFF)
    )


# --------------------------------------------------------------------------
# resolve.go: would this text, written plain, load as something other than a
# string?
# --------------------------------------------------------------------------

# resolveMap keys; "<<" is absent because its first character has no resolver
# hint, so yaml.v3 never reaches the map lookup for it.
_RESOLVE_MAP: frozenset[str] = frozenset(
    {
        "true", "True", "TRUE",
        "false", "False", "FALSE",
        "", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN",
        ".inf", ".Inf", ".INF",
        "+.inf", "+.Inf", "+.INF",
        "-.inf", "-.Inf", "-.INF",
    }
)  # fmt: skip

# encode.go isOldBool: YAML 1.1 booleans are quoted so YAML 1.1 readers agree.
_OLD_BOOLS: frozenset[str] = frozenset(
    {
        "y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
        "n", "N", "no", "No", "NO", "off", "Off", "OFF",
    }
)  # fmt: skip

_HINT_MAP_ONLY: frozenset[str] = frozenset("yYnNtTfFoO~")
_HINT_NUMBER: frozenset[str] = frozenset("+-0123456789")

_BASE60_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# The subset of Go float syntax (strconv.ParseFloat) that can start with ".":
# a decimal mantissa (hex needs a leading "0x") and an optional exponent.
# Underscores are validated separately by _go_underscore_ok.
_GO_DOT_FLOAT = re.compile(r"\.[0-9_]*[0-9][0-9_]*(?:[eE][-+]?[0-9][0-9_]*)?")
_DIGITS = re.compile(r"[0-9]+")
_ASCII_DIGITS = "0123456789"
_HEX_LETTERS = "abcdefABCDEF"
_BASE_PREFIXES: dict[str, int] = {"b": 2, "B": 2, "o": 8, "O": 8, "x": 16, "X": 16}
_BASE_DIGITS: dict[int, frozenset[str]] = {
    2: frozenset("01"),
    8: frozenset("01234567"),
    10: frozenset(_ASCII_DIGITS),
    16: frozenset(_ASCII_DIGITS + _HEX_LETTERS),
}


def _go_underscore_ok(s: str) -> bool:
    """strconv's underscoreOK: "_" only between digits (or after a base prefix)."""
    if s[:1] in ("+", "-"):
        s = s[1:]
    saw = "^"
    i = 0
    hexa = False
    if len(s) >= 2 and s[0] == "0" and s[1] in "bBoOxX":
        i = 2
        saw = "0"
        hexa = s[1] in "xX"
    for ch in s[i:]:
        if ch in _ASCII_DIGITS or (hexa and ch in _HEX_LETTERS):
            saw = "0"
        elif ch == "_":
            if saw != "0":
                return False
            saw = "_"
        elif saw == "_":
            return False
        else:
            saw = "!"
    return saw != "_"


def _go_parse_float_ok(s: str) -> bool:
    """Whether strconv.ParseFloat succeeds, for inputs that start with "." or
    already matched yamlStyleFloat (so no hex, inf or nan spellings reach here)."""
    if "_" in s and not _go_underscore_ok(s):
        return False
    # Go reports overflow as an error (ErrRange); underflow to zero is fine.
    # Python rounds correctly too, so "rounds to infinity" is the same test.
    return not math.isinf(float(s.replace("_", "")))


def _go_parse_uint(s: str, base: int) -> int | None:
    """strconv.ParseUint's syntax check (range left to the caller).

    base 0 means Go's prefix rules: 0x/0o/0b (any case, only with at least
    one more character) and a bare leading 0 for octal.
    """
    if not s:
        return None
    if base == 0:
        base = 10
        if s[0] == "0":
            prefix_base = _BASE_PREFIXES.get(s[1:2])
            if len(s) >= 3 and prefix_base is not None:
                base = prefix_base
                s = s[2:]
            else:
                base = 8
                s = s[1:]
    # Checked by hand because int() would also take non-ASCII digits.
    allowed = _BASE_DIGITS[base]
    if any(ch not in allowed for ch in s):
        return None
    return int(s, base) if s else 0


def _go_parse_int_ok(s: str, base: int) -> bool:
    """strconv.ParseInt(s, base, 64) succeeds."""
    negative = s[:1] == "-"
    magnitude = _go_parse_uint(s[1:] if s[:1] in ("+", "-") else s, base)
    if magnitude is None:
        return False
    return magnitude <= 1 << 63 if negative else magnitude < 1 << 63


def _go_parse_uint_ok(s: str, base: int) -> bool:
    """strconv.ParseUint(s, base, 64) succeeds."""
    value = _go_parse_uint(s, base)
    return value is not None and value < 1 << 64


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _TimeCursor:
    """Just enough of Go's time.Parse to decide whether a layout matches."""

    __slots__ = ("rest",)

    def __init__(self, text: str) -> None:
        self.rest = text

    def number(self, fixed: bool) -> int | None:
        # time.getnum: one or two ASCII digits (exactly two when fixed).
        r = self.rest
        if not r or r[0] not in _ASCII_DIGITS:
            return None
        if len(r) < 2 or r[1] not in _ASCII_DIGITS:
            if fixed:
                return None
            self.rest = r[1:]
            return int(r[0])
        self.rest = r[2:]
        return int(r[:2])

    def literal(self, text: str) -> bool:
        r = self.rest
        for ch in text:
            if ch == " ":
                # A space in a Go layout matches any run of spaces (even none
                # at the end of the value).
                if r and r[0] != " ":
                    return False
                r = r.lstrip(" ")
                continue
            if not r or r[0] != ch:
                return False
            r = r[1:]
        self.rest = r
        return True

    def fraction(self) -> None:
        # ".999999999" in a layout is optional and takes any number of digits;
        # since Go 1.17 a comma is accepted as the separator too.
        r = self.rest
        if len(r) >= 2 and r[0] in ".," and r[1] in _ASCII_DIGITS:
            i = 2
            while i < len(r) and r[i] in _ASCII_DIGITS:
                i += 1
            self.rest = r[i:]

    def zone(self) -> bool:
        # "Z07:00": either "Z" or a fixed-width "+hh:mm" / "-hh:mm".
        r = self.rest
        if r[:1] == "Z":
            self.rest = r[1:]
            return True
        if len(r) < 6 or r[3] != ":" or r[0] not in "+-":
            return False
        hh, mm = r[1:3], r[4:6]
        if not (_DIGITS.fullmatch(hh) and _DIGITS.fullmatch(mm)):
            return False
        if int(hh) > 24 or int(mm) > 60:
            return False
        self.rest = r[6:]
        return True


def _parse_date(cur: _TimeCursor) -> bool:
    r = cur.rest
    if len(r) < 4 or not _DIGITS.fullmatch(r[:4]):
        return False
    year = int(r[:4])
    cur.rest = r[4:]
    if not cur.literal("-"):
        return False
    month = cur.number(fixed=False)
    if month is None or not 1 <= month <= 12 or not cur.literal("-"):
        return False
    day = cur.number(fixed=False)
    if day is None:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days_in_month = 29 if month == 2 and leap else _MONTH_DAYS[month - 1]
    return 1 <= day <= days_in_month


def _parse_time_of_day(cur: _TimeCursor) -> bool:
    hour = cur.number(fixed=False)
    if hour is None or hour >= 24 or not cur.literal(":"):
        return False
    minute = cur.number(fixed=False)
    if minute is None or minute >= 60 or not cur.literal(":"):
        return False
    second = cur.number(fixed=False)
    if second is None or second >= 60:
        return False
    cur.fraction()
    return True


def _is_timestamp(s: str) -> bool:
    """resolve.go parseTimestamp: time.Parse against yaml.v3's four layouts."""
    i = 0
    while i < len(s) and s[i] in _ASCII_DIGITS:
        i += 1
    if i != 4 or i == len(s) or s[i] != "-":
        return False
    # Each layout starts with the same date part; the date-only layout must
    # consume the whole value, the others continue after a separator.
    cur = _TimeCursor(s)
    if not _parse_date(cur):
        return False
    after_date = cur.rest
    if after_date == "":
        return True
    for separator, zoned in (("T", True), ("t", True), (" ", False)):
        cur.rest = after_date
        if not cur.literal(separator) or not _parse_time_of_day(cur):
            continue
        if zoned and not cur.zone():
            continue
        if cur.rest == "":
            return True
    return False


def _resolves_to_non_string(s: str) -> bool:
    """True when resolve("", s) in resolve.go gives a tag other than !!str."""
    if s in _RESOLVE_MAP:
        return True
    first = s[0]
    if first in _HINT_MAP_ONLY:
        return False
    if first == ".":
        return bool(_GO_DOT_FLOAT.fullmatch(s)) and _go_parse_float_ok(s)
    if first not in _HINT_NUMBER:
        return False
    if _is_timestamp(s):
        return True
    plain = s.replace("_", "")
    if _go_parse_int_ok(plain, 0) or _go_parse_uint_ok(plain, 0):
        return True
    if _YAML_STYLE_FLOAT.fullmatch(plain) and _go_parse_float_ok(plain):
        return True
    # These re-parse after the prefix with an explicit base, which (unlike
    # base 0) lets a sign follow the prefix: "0b-101" is an int to yaml.v3.
    if plain.startswith("0b"):
        return _go_parse_int_ok(plain[2:], 2) or _go_parse_uint_ok(plain[2:], 2)
    if plain.startswith("-0b"):
        return _go_parse_int_ok("-" + plain[3:], 2)
    if plain.startswith("0o"):
        return _go_parse_int_ok(plain[2:], 8) or _go_parse_uint_ok(plain[2:], 8)
    if plain.startswith("-0o"):
        return _go_parse_int_ok("-" + plain[3:], 8)
    return False


def _needs_quoting_for_type(s: str) -> bool:
    """encode.go stringv: plain is off the table when a reader would see a
    non-string (including YAML 1.1 bools and base-60 floats)."""
    if _resolves_to_non_string(s):
        return True
    if s in _OLD_BOOLS:
        return True
    return s[:1] in _HINT_NUMBER and ":" in s and _BASE60_FLOAT.fullmatch(s) is not None


# --------------------------------------------------------------------------
# emitterc.go: scalar analysis and style selection.
# --------------------------------------------------------------------------


# The per-character flags of yaml_emitter_analyze_scalar, as regex scans: a
# Python loop over every character costs far more on the hashing hot path.
_B = "\r\n\x85\u2028\u2029"
# Not printable in libyaml's sense (tab is tracked separately).
_SPECIAL_RE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]|\ufeff")
_BREAK_RE = re.compile(f"[{_B}]")
_BREAK_SPACE_RE = re.compile(f"[{_B}] ")
_SPACE_BREAK_RE = re.compile(f" [{_B}]")
# Indicators that rule out plain style anywhere in the value: ": " (or ":" at
# the end) and " #".  "#" after NUL counts too, as libyaml's is_blankz does.
_INNER_INDICATOR_RE = re.compile(f":(?:[ \t]|\\Z)|[ \t\0{_B}]#")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# What the double-quoted writer escapes: everything non-printable (tab
# included), every break, the BOM, '"' and backslash.
_NEEDS_ESCAPE_RE = re.compile(f'[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]|[\ufeff{_B}"\\\\]')


def _analyze(value: str) -> tuple[bool, bool, bool, bool]:
    """yaml_emitter_analyze_scalar, reduced to what block context needs.

    Returns (multiline, block_plain_allowed, single_quoted_allowed, block_allowed).
    """
    if not value:
        return False, True, True, False

    first = value[0]
    followed_by_blank = len(value) == 1 or value[1] in " \t"
    block_indicators = (
        value.startswith(("---", "..."))
        or first in _FIRST_CHAR_INDICATORS
        or (first in "?-" and followed_by_blank)
        or _INNER_INDICATOR_RE.search(value) is not None
    )
    special = _SPECIAL_RE.search(value) is not None
    tabs = "\t" in value
    line_breaks = _BREAK_RE.search(value) is not None
    break_space = line_breaks and _BREAK_SPACE_RE.search(value) is not None
    space_break = line_breaks and _SPACE_BREAK_RE.search(value) is not None
    trailing_space = value[-1] == " "
    edge_blank = first == " " or trailing_space or first in _B or value[-1] in _B

    block_plain = not (
        edge_blank
        or break_space
        or space_break
        or tabs
        or special
        or line_breaks
        or block_indicators
    )
    single_quoted = not (break_space or space_break or tabs or special)
    block = not (trailing_space or space_break or special)
    return line_breaks, block_plain, single_quoted, block


@functools.lru_cache(maxsize=65536)
def _select_style(value: str, simple_key: bool) -> _Style:
    """stringv's requested style, then yaml_emitter_select_scalar_style (block context).

    Cached: sealing thousands of records asks about the same statuses, dates, paths and
    empty strings over and over, and the analysis is the emitter's most expensive step.
    """
    if _SURROGATE_RE.search(value):
        # Not valid UTF-8; yaml.v3 would switch to a base64 !!binary scalar,
        # which a decoded record can never need.
        raise ValueError(f"string is not valid UTF-8: {value!r}")
    requested: _Style
    if "\n" in value:
        requested = "literal"
    elif _needs_quoting_for_type(value):
        requested = "double"
    else:
        requested = "plain"

    multiline, block_plain, single_quoted, block = _analyze(value)
    style: _Style = requested
    if simple_key and multiline:
        style = "double"
    if style == "plain" and (not block_plain or (simple_key and not value)):
        style = "single"
    if style == "single" and not single_quoted:
        style = "double"
    if style == "literal" and (not block or simple_key):
        style = "double"
    return style


def _escape_double(value: str) -> str:
    # libyaml's is_bom looks at the start of the *whole value* rather than at
    # the current character, so a value that begins with U+FEFF gets every
    # character escaped.  Reproduced deliberately.
    escape_all = value.startswith("\ufeff")
    if not escape_all and _NEEDS_ESCAPE_RE.search(value) is None:
        return value
    out: list[str] = []
    for ch in value:
        if escape_all or ch in _BREAKS or ch in '"\\' or not _is_printable(ch):
            short = _SHORT_ESCAPES.get(ch)
            if short is not None:
                out.append("\\" + short)
            else:
                cp = ord(ch)
                if cp <= 0xFF:
                    out.append(f"\\x{cp:02X}")
                elif cp <= 0xFFFF:
                    out.append(f"\\u{cp:04X}")
                else:
                    out.append(f"\\U{cp:08X}")
        else:
            out.append(ch)
    return "".join(out)


# --------------------------------------------------------------------------
# emitterc.go: output with libyaml's column / whitespace / indention state.
# Tracking that state (rather than templating lines) keeps exotic inputs such
# as U+2028 inside literal or single-quoted scalars byte-identical to Go.
# --------------------------------------------------------------------------


class _Writer:
    __slots__ = ("best_indent", "column", "indention", "parts", "whitespace")

    def __init__(self, best_indent: int) -> None:
        self.best_indent = best_indent
        self.parts: list[str] = []
        self.column = 0
        self.whitespace = True
        self.indention = True

    def text(self) -> str:
        return "".join(self.parts)

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.parts.append("\n")
        self.column = 0
        self.indention = True

    def write_break(self, ch: str) -> None:
        # Breaks other than \n are copied verbatim, yet still reset the column.
        if ch == "\n":
            self.put_break()
        else:
            self.parts.append(ch)
            self.column = 0
            self.indention = True

    def write_indent(self, indent: int) -> None:
        indent = max(indent, 0)
        if (
            not self.indention
            or self.column > indent
            or (self.column == indent and not self.whitespace)
        ):
            self.put_break()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = True

    def write_indicator(
        self, indicator: str, need_whitespace: bool, is_whitespace: bool, is_indention: bool
    ) -> None:
        if need_whitespace and not self.whitespace:
            self.put(" ")
        self.put(indicator)
        self.whitespace = is_whitespace
        self.indention = self.indention and is_indention

    def next_indent(self, indent: int) -> int:
        """yaml_emitter_increase_indent outside a sequence item ([Go] variant)."""
        if indent < 0:
            return 0
        best = self.best_indent
        return best * ((indent + best) // best)

    # -- scalars -----------------------------------------------------------

    def scalar(self, value: str, indent: int, simple_key: bool) -> None:
        style = _select_style(value, simple_key)
        if style == "plain":
            self.plain(value)
        elif style == "single":
            self._single_quoted(value, indent)
        elif style == "double":
            self._double_quoted(value)
        else:
            self._literal(value, indent)

    def plain(self, value: str) -> None:
        # Plain style is only chosen for break-free values, and the width is
        # unlimited, so nothing is ever folded.
        if value and not self.whitespace:
            self.put(" ")
        self.put(value)
        if value:
            self.whitespace = False
        self.indention = False

    def _single_quoted(self, value: str, indent: int) -> None:
        self.write_indicator("'", True, False, False)
        if _BREAK_RE.search(value) is None:
            self.put(value.replace("'", "''"))
        else:
            self._single_quoted_lines(value, indent)
        self.write_indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    def _single_quoted_lines(self, value: str, indent: int) -> None:
        breaks = False
        for ch in value:
            if ch == " ":
                self.put(ch)
            elif ch in _BREAKS:
                # Only U+2028/U+2029 get here in practice: \n selects literal
                # style and the other breaks are non-printable (double quotes).
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break(ch)
                breaks = True
            else:
                if breaks:
                    self.write_indent(indent)
                self.put("''" if ch == "'" else ch)
                self.indention = False
                breaks = False

    def _double_quoted(self, value: str) -> None:
        self.write_indicator('"', True, False, False)
        self.put(_escape_double(value))
        self.write_indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def _literal(self, value: str, indent: int) -> None:
        self.write_indicator("|", True, False, False)
        if value[0] == " " or value[0] in _BREAKS:
            # The indentation indicator is always best_indent, even inside a
            # sequence item where the content sits only 2 columns deeper.
            self.write_indicator(str(self.best_indent), False, False, False)
        chomp = _chomping_indicator(value)
        if chomp:
            self.write_indicator(chomp, False, False, False)
        self.whitespace = True
        if "\u2028" in value or "\u2029" in value:
            self._literal_chars(value, indent)
            return
        # Only "\n" breaks remain (\r and NEL are non-printable, which rules
        # out block style), so whole lines can be written at once.
        for i, line in enumerate(value.split("\n")):
            if i:
                self.put_break()
            if line:
                self.write_indent(indent)
                self.put(line)
                self.indention = False

    def _literal_chars(self, value: str, indent: int) -> None:
        breaks = True
        for ch in value:
            if ch in _BREAKS:
                self.write_break(ch)
                breaks = True
            else:
                if breaks:
                    self.write_indent(indent)
                self.put(ch)
                self.indention = False
                breaks = False

    # -- collections -------------------------------------------------------

    def empty_flow(self, brackets: str) -> None:
        self.write_indicator(brackets[0], True, True, False)
        self.write_indicator(brackets[1], False, False, False)

    def mapping(self, pairs: Sequence[tuple[str, Value]], indent: int) -> None:
        """A non-empty block mapping whose keys start at column `indent`."""
        value_indent = self.next_indent(indent)
        for key, value in pairs:
            self.write_indent(indent)
            if any(ch in _BREAKS for ch in key) or len(key.encode("utf-8")) > 128:
                # yaml.v3 would switch to an explicit "? key" entry here.
                raise ValueError(f"mapping key cannot be a simple key: {key!r}")
            self.scalar(key, value_indent, simple_key=True)
            self.write_indicator(":", False, False, False)
            self.value(value, indent)

    def value(self, value: Value, mapping_indent: int) -> None:
        if isinstance(value, bool):
            # encode.go boolv asks for plain style directly, bypassing stringv.
            self.plain("true" if value else "false")
        elif isinstance(value, str):
            self.scalar(value, self.next_indent(mapping_indent), simple_key=False)
        elif isinstance(value, list):
            if not value:
                self.empty_flow("[]")
            else:
                self.sequence(value, self.next_indent(mapping_indent))
        else:
            raise TypeError(f"unsupported value type: {type(value).__name__}")

    def sequence(self, items: list[str] | list[Mapping], indent: int) -> None:
        # yaml.v3 indents sequences under their key (libyaml would not) and
        # puts an item's content 2 columns after the "-".
        for item in items:
            self.write_indent(indent)
            self.write_indicator("-", True, False, True)
            if isinstance(item, str):
                self.scalar(item, indent + 2, simple_key=False)
            elif isinstance(item, list):
                if item:
                    self.mapping(item, indent + 2)
                else:
                    self.empty_flow("{}")
            else:
                raise TypeError(f"unsupported sequence item type: {type(item).__name__}")


def _chomping_indicator(value: str) -> str:
    """yaml_emitter_write_block_scalar_hints' chomping decision."""
    if value[-1] not in _BREAKS:
        return "-"
    if len(value) == 1 or value[-2] in _BREAKS:
        return "+"
    return ""


def _check_indent(indent: int) -> None:
    if not 2 <= indent <= 9:
        raise ValueError(f"indent must be between 2 and 9, got {indent}")


def emit_document(pairs: Sequence[tuple[str, Value]], indent: int = 4) -> str:
    """Block mapping, one top-level key per pair, in the given order, yaml.v3 style.

    The result ends with '\\n'.  The caller applies omitempty: every pair given
    is written.  Raises ValueError for strings yaml.v3 would only write as
    !!binary (lone surrogates), for keys that cannot be simple keys, and for
    an indent outside yaml.v3's 2..9 range.
    """
    _check_indent(indent)
    out = _Writer(indent)
    if pairs:
        out.mapping(pairs, 0)
    else:
        out.empty_flow("{}")
    # Document end: a fresh line unless a block scalar already ended on one.
    out.write_indent(0)
    return out.text()


def emit_scalar(value: str) -> str:
    """The single-line form of a string as yaml.v3 writes it in block context.

    That is plain, 'single' or "double" quoted; raises ValueError for strings
    yaml.v3 would write as a block literal.  Also raises ValueError when the
    single-quoted form would span lines (a U+2028/U+2029 inside the value),
    since its layout then depends on the surrounding indentation.
    """
    style = _select_style(value, simple_key=False)
    if style == "literal":
        raise ValueError(f"yaml.v3 writes this string as a block literal: {value!r}")
    out = _Writer(4)
    out.scalar(value, 4, simple_key=False)
    text = out.text()
    if any(ch in _BREAKS for ch in text):
        raise ValueError(f"yaml.v3 writes this string over several lines: {value!r}")
    return text
