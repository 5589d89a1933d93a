"""PostgreSQL's regular expressions (AREs): which text a pattern matches, and where.

PostgreSQL's regex engine is Henry Spencer's, taken from Tcl. Tcl's own interpreter -
reached through Python's tkinter, when the Python build has it - runs that engine, so
with it a match is PostgreSQL's in the ways Python's `re` is not: a pattern that is
greedy as a whole takes the longest of the leftmost matches (`.|...` on 'xyz' matches
'xyz' where `re` takes 'x', `[0-9]+|[0-9]+\\.[0-9]+` takes '123.45'), each group takes
the part PostgreSQL gives it, and the syntax is PostgreSQL's (\\m \\M \\y word bounds,
[[:<:]], embedded options, ***= ...). Flags are PostgreSQL's letters (b c e i m n p q s t
w x). One interpreter per thread (a Tcl interpreter belongs to the thread that made it).

Python's `re`, on a translation of the pattern (`compile_regex`), takes over where Tcl
cannot: without tkinter, for a lookbehind (PostgreSQL has them, Tcl 8.6 has not), for a
back-reference (Tcl 8.6's engine can loop forever on some, as PostgreSQL's could before
it was mended), and for text or patterns with characters beyond U+FFFF (Tcl counts
them as two). It agrees
on the common subset; the flags it takes are i and c.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sixfold.constants import REGEX_CACHE_PATTERNS_MAX, REGEX_QUANTIFIED_ATOMS_MAX

try:
    import tkinter
except ImportError:  # a Python built without Tcl/Tk: `re` does it all
    tkinter = None


class RegexError(Exception):
    """A pattern or a flag PostgreSQL refuses: `sqlstate` is its error's."""

    def __init__(self, sqlstate: str, message: str):
        super().__init__(message)
        self.sqlstate = sqlstate


@dataclass(frozen=True)
class Match:
    """One match: spans[0] the whole match's (start, end), then each group's (None for a
    group that took no part)."""
    text: str
    spans: tuple[tuple[int, int] | None, ...]

    def group(self, i: int = 0) -> str | None:
        span = self.spans[i] if i < len(self.spans) else None
        return None if span is None else self.text[span[0]:span[1]]

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[0][1]


_FLAG_LETTERS = frozenset("bceimnpqstwx")


@dataclass(frozen=True)
class _Options:
    nocase: bool = False
    expanded: bool = False
    newline: str = ""  # "" (s), "line" (n, m), "linestop" (p), "lineanchor" (w)
    literal: bool = False  # q
    syntax: str = ""  # "b" (BRE) or "e" (ERE) or "" (ARE)


@functools.lru_cache(maxsize=REGEX_CACHE_PATTERNS_MAX)
def _options(flags: str, allowed: str) -> _Options:
    """PostgreSQL's flag letters, read in order (a later c undoes an earlier i)."""
    nocase = expanded = literal = False
    newline = syntax = ""
    for ch in flags:
        if ch not in _FLAG_LETTERS and ch not in allowed:
            raise RegexError("22023", f'invalid regular expression option: "{ch}"')
        if ch == "i":
            nocase = True
        elif ch == "c":
            nocase = False
        elif ch == "x":
            expanded = True
        elif ch == "t":
            expanded = False
        elif ch in "nm":
            newline = "line"
        elif ch == "p":
            newline = "linestop"
        elif ch == "w":
            newline = "lineanchor"
        elif ch == "s":
            newline = ""
        elif ch == "q":
            literal = True
        elif ch in "be":
            syntax = ch
    return _Options(nocase, expanded, newline, literal, syntax)


_local = threading.local()


def _interp():
    tcl = getattr(_local, "tcl", None)
    if tcl is None:
        tcl = _local.tcl = tkinter.Tcl()
    return tcl


# A back-reference (\1 .. \9): Tcl 8.6's engine can loop forever on some (`$()|^\1`),
# which PostgreSQL's was mended of; `re` matches them
_BACKREF = re.compile(r"\\[1-9]")
_HEX_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]+)")


@dataclass(frozen=True)
class _Plan:
    """What a (pattern, flags) pair needs, worked out once (cached) rather than per row:
    the Tcl command before `--` and the pattern as given to Tcl, or None when `re` must
    match it; and the same for text beyond ASCII (`c_argv`, `c_pattern`: see c_locale),
    c_argv None when `re` must match that."""
    opts: _Options
    tcl_argv: tuple[str, ...] | None
    tcl_pattern: str
    c_argv: tuple[str, ...] | None = None
    c_pattern: str = ""


# Sixfold's databases have lc_ctype C, as `SHOW lc_ctype` says: PostgreSQL's character
# classes then hold ASCII characters only and case-insensitive matching folds ASCII
# letters only ('É' ~* 'é' is false, '日' !~ '[[:alpha:]]'). Tcl's engine knows Unicode's,
# so a pattern run on text beyond ASCII is first spelled out in ASCII (c_locale).
_CLASS_RANGES = {
    "alpha": "a-zA-Z", "upper": "A-Z", "lower": "a-z", "digit": "0-9", "alnum": "a-zA-Z0-9",
    "xdigit": "0-9A-Fa-f", "space": " \t\n\r\f\v", "blank": " \t", "word": "a-zA-Z0-9_",
    "punct": "!-/:-@\\[-`{-~", "cntrl": "\\x00-\\x1f\\x7f", "print": " -~", "graph": "!-~",
}
_ESCAPE_RANGES = {"w": _CLASS_RANGES["word"], "d": "0-9", "s": _CLASS_RANGES["space"]}
_CODE_ESCAPE = re.compile(r"\\[xuU0-7]")
_CASE_CLASS = re.compile(r"\[:(?:upper|lower):\]")


def c_locale(pattern: str, nocase: bool) -> str | None:
    """`pattern` (an ARE) with its character classes and class escapes as ASCII ranges and,
    when `nocase`, each ASCII letter as both its cases (run without Tcl's -nocase, which
    folds every letter): PostgreSQL's meaning under lc_ctype C. None when the pattern
    has a form this does not spell out (embedded options, an unterminated bracket)."""
    if pattern.startswith(("***", "(?")) or nocase and _CODE_ESCAPE.search(pattern):
        return None  # (a letter written as \x41 would not be given its other case)
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e.lower() in _ESCAPE_RANGES:
                out.append(("[^" if e.isupper() else "[") + _ESCAPE_RANGES[e.lower()] + "]")
            else:
                out.append(pattern[i:i + 2])
            i += 2
        elif c == "[":
            end = _bracket(pattern, i, nocase)
            if end is None:
                return None
            text, i = end
            out.append(text)
        elif nocase and c.isascii() and c.isalpha():
            out.append(f"[{c.lower()}{c.upper()}]")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _bracket(pattern: str, i: int, nocase: bool) -> tuple[str, int] | None:
    """The bracket expression at `i` spelled out (see c_locale), and where it ends."""
    j, n = i + 1, len(pattern)
    negated = pattern[j:j + 1] == "^"
    j += negated
    parts: list[str] = []
    if pattern[j:j + 1] == "]":
        parts.append("\\]")
        j += 1
    while j < n and pattern[j] != "]":
        if pattern.startswith("[:", j):
            k = pattern.find(":]", j + 2)
            if k < 0:
                return None
            name = pattern[j + 2:k]
            if nocase and name in ("upper", "lower"):
                name = "alpha"  # (PostgreSQL: a case class under -nocase is every letter)
            if name not in _CLASS_RANGES:
                return None
            parts.append(_CLASS_RANGES[name])
            j = k + 2
        elif pattern.startswith(("[=", "[."), j):
            return None
        elif pattern[j] == "\\" and j + 1 < n:
            e = pattern[j + 1]
            parts.append(_ESCAPE_RANGES[e] if e in _ESCAPE_RANGES else pattern[j:j + 2])
            j += 2
        elif j + 2 < n and pattern[j + 1] == "-" and pattern[j + 2] != "]":
            lo, hi = pattern[j], pattern[j + 2]
            parts.append(f"{lo}-{hi}")
            if nocase:
                parts += _other_case_ranges(lo, hi)
            j += 3
        else:
            ch = pattern[j]
            parts.append(ch)
            if nocase and ch.isascii() and ch.isalpha():
                parts.append(ch.swapcase())
            j += 1
    if j >= n:
        return None
    return "[" + ("^" if negated else "") + "".join(parts) + "]", j + 1


def _other_case_ranges(lo: str, hi: str) -> list[str]:
    """The ASCII letters of lo-hi in their other case, as ranges."""
    out = []
    for first, last in (("a", "z"), ("A", "Z")):
        a, b = max(lo, first), min(hi, last)
        if a <= b:
            out.append(f"{a.swapcase()}-{b.swapcase()}")
    return out


@functools.lru_cache(maxsize=REGEX_CACHE_PATTERNS_MAX)
def _plan(pattern: str, flags: str, allowed: str) -> _Plan:
    opts = _options(flags, allowed)
    if "\\x" in pattern and any(int(h, 16) > 0x10FFFF for h in _HEX_ESCAPE.findall(pattern)):
        raise RegexError("2201B", "invalid regular expression: invalid escape \\ sequence")
    if tkinter is None or "(?<" in pattern or _BACKREF.search(pattern) or any(ord(c) > 0xFFFF for c in pattern):
        return _Plan(opts, None, pattern)
    if not opts.literal and complexity(pattern) > REGEX_QUANTIFIED_ATOMS_MAX:
        raise RegexError("2201B", "invalid regular expression: regular expression is too complex")
    argv = ["regexp", "-inline", "-indices"]
    argv += ["-nocase"] if opts.nocase else []
    argv += ["-expanded"] if opts.expanded else []
    argv += ["-" + opts.newline] if opts.newline else []
    if opts.literal:
        c_pattern = None if opts.nocase else pattern
    elif opts.syntax and "\\" in pattern:  # (a BRE's or ERE's escapes are not an ARE's)
        c_pattern = None
    else:
        c_pattern = c_locale(pattern, opts.nocase)
    c_argv = None if c_pattern is None else tuple(a for a in argv if a != "-nocase")
    return _Plan(opts, tuple(argv), _prefixed(pattern, opts), c_argv,
                 "" if c_pattern is None else _prefixed(c_pattern, opts))


def _prefixed(pattern: str, opts: _Options) -> str:
    """The pattern as Tcl takes it: q as ***=, b and e as embedded options."""
    if opts.literal:
        return "***=" + pattern
    if opts.syntax and not pattern.startswith(("***", "(?")):
        return f"(?{opts.syntax})" + pattern
    return pattern


def search(pattern: str, text: str, flags: str = "", start: int = 0, allowed: str = "") -> Match | None:
    """The first match of `pattern` in `text` at or after character `start` (`^` still
    matches only at the text's start), None when there is none. `flags`: PostgreSQL's
    letters; `allowed`: other letters the caller reads itself (such as g)."""
    plan = _plan(pattern, flags, allowed)
    if plan.tcl_argv is None or any(ord(c) > 0xFFFF for c in text):  # (Tcl counts those as two)
        return _re_search(pattern, text, plan.opts, start)
    if not (text.isascii() and pattern.isascii()) or plan.opts.nocase and _CASE_CLASS.search(pattern):
        # (lc_ctype C: see c_locale; Tcl's -nocase [[:upper:]] also matched digits)
        if plan.c_argv is None:
            return _re_search(pattern, text, plan.opts, start)
        return _tcl_search(plan, text, start, c_locale=True)
    return _tcl_search(plan, text, start)


def refuse_global(pattern: str, flags: str, func: str) -> None:
    """`func`() takes no g flag: 22023 as PostgreSQL says it, once the pattern and the
    other flags are checked (they are reported first)."""
    if "g" in flags:
        _plan(pattern, flags, "g")
        raise RegexError("22023", f'{func}() does not support the "global" option')


_BOUND = re.compile(r"\{(\d+)(?:,(\d*))?\}\??")


@functools.lru_cache(maxsize=REGEX_CACHE_PATTERNS_MAX)
def complexity(pattern: str) -> int:
    """About how many quantified atoms `pattern` holds with its bounded repetitions
    spelled out (`(x*){100}` 200, `a{1,50}` 50): what the engine's compile time grows with."""
    groups: list[list[int]] = [[]]  # per open group: the weights of its atoms so far
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        bound = _BOUND.match(pattern, i) if c == "{" else None
        if c == "\\":
            groups[-1].append(0)
            i += 2
        elif c == "[":
            j = i + 1 + (pattern[i + 1:i + 2] == "^")
            j += pattern[j:j + 1] == "]"
            close = pattern.find("]", j)
            groups[-1].append(0)
            i = n if close < 0 else close + 1
        elif c == "(":
            groups.append([])
            i += 1
        elif c == ")" and len(groups) > 1:
            inner = groups.pop()
            groups[-1].append(sum(inner))
            i += 1
        elif c in "*+?" or bound:
            last = groups[-1].pop() if groups[-1] else 0
            copies = max(int(bound.group(1)), int(bound.group(2) or 0)) if bound else 1
            groups[-1].append((last + 1) * max(copies, 1))
            i = bound.end() if bound else i + 1 + (pattern[i + 1:i + 2] == "?")
        else:
            groups[-1].append(0)
            i += 1
    return sum(sum(g) for g in groups)


def _tcl_search(plan: _Plan, text: str, start: int, c_locale: bool = False) -> Match | None:
    argv, pattern = (plan.c_argv, plan.c_pattern) if c_locale else (plan.tcl_argv, plan.tcl_pattern)
    argv = argv + ("-start", str(start)) if start else argv
    try:
        found = _interp().call(*argv, "--", pattern, text)
    except tkinter.TclError as e:
        message = str(e).removeprefix("couldn't compile regular expression pattern: ")
        raise RegexError("2201B", f"invalid regular expression: {message}") from None
    if not found:
        return None
    spans = tuple(None if s < 0 else (s, e + 1) for s, e in (_pair(p) for p in found))
    return Match(text, spans)


def _pair(p) -> tuple[int, int]:
    if isinstance(p, str):  # (an older tkinter gives the pair as its text)
        a, b = p.split()
        return int(a), int(b)
    return int(p[0]), int(p[1])


def _re_search(pattern: str, text: str, opts: _Options, start: int) -> Match | None:
    if opts.expanded or opts.newline or opts.literal or opts.syntax:
        raise RegexError("0A000", "regular expression flags other than i and c are not supported here")
    try:  # (re.ASCII: classes and case folding of lc_ctype C, see c_locale)
        rx = compile_regex(pattern, (re.IGNORECASE if opts.nocase else 0) | re.ASCII)
    except re.error as e:
        raise RegexError("2201B", f"invalid regular expression: {e}") from None
    m = rx.search(text, start)
    if m is None:
        return None
    return Match(text, tuple(None if m.start(i) < 0 else (m.start(i), m.end(i)) for i in range(rx.groups + 1)))


def iterate(pattern: str, text: str, flags: str = "", start: int = 0, allowed: str = "",
            skip_degenerate: bool = False) -> Iterator[Match]:
    """Every match from `start` on, as PostgreSQL's global matching finds them: the next
    search starts where a match ended (a character later after an empty match).
    `skip_degenerate` (regexp_split_*): an empty match at the text's end or right where
    the previous match ended is passed over."""
    prev_end = start
    for _ in range(len(text) + 2):  # bounded: each pass moves `start` on
        if start > len(text):
            return
        m = search(pattern, text, flags, start, allowed)
        if m is None:
            return
        if not skip_degenerate or (m.start < len(text) and m.end > prev_end):
            yield m
        prev_end = m.end
        start = m.end + (1 if m.start == m.end else 0)


def replace(text: str, pattern: str, replacement: str, flags: str = "") -> str:
    """regexp_replace: the first match (every one with g) replaced; in the replacement
    \\1 .. \\9 are groups, \\& the whole match, \\\\ a backslash."""
    matches = iterate(pattern, text, flags, allowed="g") if "g" in flags else \
        filter(None, [search(pattern, text, flags, allowed="g")])
    out, at = [], 0
    for m in matches:
        out.append(text[at:m.start])
        out.append(_expand(replacement, m))
        at = m.end
    out.append(text[at:])
    return "".join(out)


def _expand(replacement: str, m: Match) -> str:
    if "\\" not in replacement:
        return replacement
    out, i = [], 0
    while i < len(replacement):
        ch = replacement[i]
        nxt = replacement[i + 1] if i + 1 < len(replacement) else ""
        if ch == "\\" and ("1" <= nxt <= "9" or nxt == "&"):
            out.append(m.group(0 if nxt == "&" else int(nxt)) or "")
            i += 2
        elif ch == "\\" and nxt == "\\":
            out.append("\\")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=REGEX_CACHE_PATTERNS_MAX)
def compile_regex(pattern: str, flags: int = 0) -> re.Pattern:
    """A PostgreSQL regular expression (ARE) as Python's: they agree on the common subset;
    the POSIX class shorthands Python lacks are translated. PostgreSQL's default is not
    newline-sensitive: `.` matches a newline (DOTALL) and `$` only the string's end (Python's
    also matches before a final newline: it becomes \\Z)."""
    p = pattern.replace("[[:alpha:]]", "[^\\W\\d_]").replace("[[:digit:]]", "\\d")
    p = p.replace("[[:space:]]", "\\s").replace("[[:alnum:]]", "[^\\W_]")
    return re.compile(_end_anchors(p), flags | re.DOTALL)


def _end_anchors(p: str) -> str:
    """Each `$` that is an anchor (not escaped, not in a bracket expression) as \\Z."""
    out, i, in_class = [], 0, False
    while i < len(p):
        ch = p[i]
        if ch == "\\" and i + 1 < len(p):
            out.append(p[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = not (ch == "]" and not (out and out[-1] in ("[", "[^")))
        elif ch == "[":
            in_class = True
            if p[i + 1:i + 2] == "^":
                out.append("[^")
                i += 2
                continue
        elif ch == "$":
            ch = "\\Z"
        out.append(ch)
        i += 1
    return "".join(out)
