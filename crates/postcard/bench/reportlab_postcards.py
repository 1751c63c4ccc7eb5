#!/usr/bin/env python3
"""Baseline for `cargo xtask bench postcard`: the same two-page postcard layout as
kencom-postcard, drawn with reportlab and the same IPAexGothic TTF (reportlab subsets it).

Input: a JSON-lines file written by the Rust bench (one card per line, with the bar letters
already encoded, so both sides draw identical data). Output: one JSON line on stdout with the
seconds spent drawing + saving, pages, bytes and this process's peak RSS.
Usage: reportlab_postcards.py CARDS.jsonl OUT.pdf FONT.ttf
"""
import json
import resource
import sys
import time

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

W, H = 100 * mm, 148 * mm
F = "IPAexGothic"
RED = (0.85, 0.1, 0.12)


def y(top_mm):
    return H - top_mm * mm


def text(c, size, x_mm, base_mm, s, spacing=0.0):
    # drawString is reportlab's fastest text path (no text-object bookkeeping).
    c.setFont(F, size)
    c.drawString(x_mm * mm, y(base_mm), s, charSpace=spacing)


def centered(c, size, cx_mm, base_mm, s):
    w = pdfmetrics.stringWidth(s, F, size) / mm
    text(c, size, cx_mm - w / 2, base_mm, s)


def wrap(s, size, width_mm):
    """Greedy character wrap (our crate's wrap is smarter; this only costs reportlab less)."""
    lines, cur, w = [], "", 0.0
    limit = width_mm * mm
    for ch in s:
        cw = pdfmetrics.stringWidth(ch, F, size)
        if w + cw > limit and cur:
            lines.append(cur)
            cur, w = ch, cw
        else:
            cur, w = cur + ch, w + cw
    if cur:
        lines.append(cur)
    return lines


def address_side(c, card):
    c.setFillColorRGB(0, 0, 0)
    label = "郵便はがき"
    w = pdfmetrics.stringWidth(label, F, 10) / mm + 16 / 72 * 25.4
    text(c, 10, (100 - w) / 2, 8.5, label, 4.0)
    lefts = [44.3, 51.3, 58.3, 65.9, 72.7, 79.5, 86.3]
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(0.3 * mm)
    for x in lefts:
        c.rect((x - 0.15) * mm, y(12 - 0.15 + 8.3), 6.0 * mm, 8.3 * mm, stroke=1, fill=0)
    c.line(64.35 * mm, y(16), 65.4 * mm, y(16))
    digits = card["postal"].replace("-", "")
    for x, d in zip(lefts, digits):
        centered(c, 14, x + 2.85, 18.4, d)
    yy = 32.0
    first = True
    for i, line in enumerate(card["address"]):
        indent = 0 if i == 0 else 3.9
        for part in wrap(line, 11, 78 - indent):
            if not first:
                yy += 5.63
            text(c, 11, 12 + indent, yy, part)
            first = False
    yy = max(yy + 13, 60)
    text(c, 16, 18, yy, card["name"] + "\u3000様")
    if card["bars"]:
        top = yy + 5.5
        x0 = (100 - 71.82) / 2
        third = 3.24 / 3
        for i, b in enumerate(card["bars"]):
            start, parts = {"F": (0, 3), "A": (0, 2), "D": (third, 2), "T": (third, 1)}[b]
            c.rect((x0 + i * 1.08) * mm, y(top + start + parts * third), 0.54 * mm, parts * third * mm, stroke=0, fill=1)
    s = card["sender"]
    lines = [(7.5, "〒" + s["postal"])] + [(7.5, a) for a in s["address"]] + [(10, s["name"]), (7.5, s["contact"])]
    yy = 140.0
    for size, line in reversed(lines):
        text(c, size, 10, yy, line)
        yy -= 3.97 + (1.2 if size > 7.5 else 0)


def inner_side(c, card):
    c.setFillColorRGB(0, 0, 0)
    centered(c, 12.5, 50, 17, "健診閲覧コード再発行のお知らせ")
    c.setStrokeColorRGB(0.45, 0.45, 0.45)
    c.setLineWidth(0.3 * mm)
    c.line(10 * mm, y(20.5), 90 * mm, y(20.5))
    text(c, 11, 10, 28.5, card["name"] + "\u3000様")
    yy = 35.5
    intro = "お申し出により健診閲覧コードを再発行しました。これまでのコードは使えません。健診・検診結果は新しいコードでご覧ください。"
    for line in wrap(intro, 8.5, 80):
        text(c, 8.5, 10, yy, line)
        yy += 4.65
    top = yy + 4.0 - 4.65
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.35 * mm)
    c.rect(10 * mm, y(top + 27), 80 * mm, 27 * mm, stroke=1, fill=0)
    centered(c, 8.5, 50, top + 5.5, "新しい健診閲覧コード")
    groups = card["code"]
    widths = [pdfmetrics.stringWidth(g, F, 18) / mm + 2.5 / 72 * 25.4 * 3 for g in groups]
    x = 50 - (sum(widths) + 12) / 2
    for g, w in zip(groups, widths):
        text(c, 18, x, top + 16, g, 2.5)
        x += w + 6
    c.setFillColorRGB(0.45, 0.45, 0.45)
    centered(c, 6.5, 50, top + 23, "英字の O・I・L と数字の 0・1 は使っていません（空白は入力不要）")
    c.setFillColorRGB(0, 0, 0)
    yy = top + 34
    text(c, 9.5, 10, yy, "ご利用の手順")
    yy += 5.5
    steps = ["KenCoM にログイン", "メニューの「健診・検診結果」を開く", "「コード入力」に上のコードを入力",
             "生年月日を入力し、お名前（カナ）を確認", "秘密の質問と答えを設定"]
    for i, st in enumerate(steps):
        text(c, 8.5, 11, yy, f"{i + 1}.")
        text(c, 8.5, 15, yy, st)
        yy += 5.25
    yy += 2
    centered(c, 10, 50, yy, "https://kencom.jp")
    c.setFillColorRGB(0.45, 0.45, 0.45)
    centered(c, 7, 50, yy + 5.5, "このコードは他の人に知らせないでください。")
    c.setFillColorRGB(0, 0, 0)
    s = card["sender"]
    c.setStrokeColorRGB(0.45, 0.45, 0.45)
    c.line(10 * mm, y(124), 90 * mm, y(124))
    text(c, 9, 10, 129, "発行\u3000" + s["name"])
    addr = "〒" + s["postal"] + "\u3000" + "\u3000".join(s["address"])
    yy = 134
    for line in wrap(addr, 7, 80) + [s["contact"]]:
        text(c, 7, 10, yy, line)
        yy += 3.7


def main():
    cards_path, out_path, font_path = sys.argv[1:4]
    with open(cards_path, encoding="utf-8") as f:
        cards = [json.loads(line) for line in f]
    start = time.perf_counter()
    pdfmetrics.registerFont(TTFont(F, font_path))
    c = canvas.Canvas(out_path, pagesize=(round(W, 2), round(H, 2)), pageCompression=1)
    for card in cards:
        address_side(c, card)
        c.showPage()
        inner_side(c, card)
        c.showPage()
    c.save()
    seconds = time.perf_counter() - start
    import os
    print(json.dumps({
        "seconds": seconds,
        "pages": 2 * len(cards),
        "bytes": os.path.getsize(out_path),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
