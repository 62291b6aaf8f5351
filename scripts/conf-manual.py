#!/usr/bin/env python3
"""Writes vipkeeper.conf(5) from the README's "Configuration" section, so the manual and
the README say the same. usage: scripts/conf-manual.py README.md VERSION > vipkeeper.conf.5"""
import re
import sys


def inline(text):
    """Markdown inline code and bold as roff fonts; roff's escape character escaped."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)
    text = text.replace("\\|", "|")
    return "".join(ch if ord(ch) < 128 else "\\[u%04X]" % ord(ch) for ch in text)


def line(text):
    """A text line roff will not read as a request."""
    return "\\&" + text if text.startswith((".", "'")) else text


def section(markdown, title, first):
    """The lines of the README section `title`, from the paragraph that starts with `first`
    (what comes before it is about the project's tests, not the file)."""
    lines = markdown.split("\n")
    start = next(i for i in range(lines.index(title), len(lines)) if lines[i].startswith(first))
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def convert(lines):
    out, paragraph, item, in_code = [], [], [], False

    def flush():
        if paragraph:
            out.append(".PP")
            out.extend(line(inline(text)) for text in paragraph)
            paragraph.clear()
        if item:
            out.append(".IP \\(bu 2")
            out.extend(line(inline(text)) for text in item)
            item.clear()

    for text in lines:
        if text.startswith("```"):
            flush()
            out.append(".fi" if in_code else ".nf")
            in_code = not in_code
        elif in_code:
            out.append(line("".join(ch if ord(ch) < 128 else "\\[u%04X]" % ord(ch) for ch in text.replace("\\", "\\e"))))
        elif text.startswith("### "):
            flush()
            out.append(".SS " + inline(text[4:]))
        elif text.startswith("| "):
            flush()
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", text.strip())[1:-1]]
            if all(set(cell) <= set("-: ") for cell in cells) or cells[0] in ("block", "keyword"):
                continue
            out.append(".TP")
            out.append(line(inline(cells[0])))
            out.append(line(inline(" \u2014 ".join(cells[1:]))))
        elif text.startswith("- "):
            flush()
            item.append(text[2:])
        elif item and text.startswith("  ") and text.strip():
            item.append(text.strip())
        elif text.strip() == "":
            flush()
        else:
            if item:
                flush()
            paragraph.append(text.strip())
    flush()
    return out


def main():
    readme, version = sys.argv[1], sys.argv[2]
    markdown = open(readme, encoding="utf-8").read()
    body = convert(section(markdown, "## Configuration", "The keepalived.conf dialect"))
    print(f'.TH VIPKEEPER.CONF 5 "" "vipkeeper {version}" "File Formats"')
    print(".SH NAME")
    print("vipkeeper.conf \\- configuration of vipkeeper, the keepalived.conf dialect")
    print(".SH SYNOPSIS")
    print("\\fB/etc/vipkeeper/vipkeeper.conf\\fR (or \\fB$VIPKEEPER_CONFIG\\fR, or \\fB/etc/keepalived/keepalived.conf\\fR)")
    print(".SH DESCRIPTION")
    print("\n".join(body))
    print(".SH FILES")
    print(".TP\n\\fB/etc/default/vipkeeper\\fR\n\\fBVIPKEEPER_CONFIG\\fR and \\fBDAEMON_ARGS\\fR for the service.")
    print(".SH SEE ALSO")
    print("\\fBvipkeeper\\fR(8), \\fBkeepalived.conf\\fR(5), /usr/share/doc/vipkeeper/README.md")


main()
