"""Regenerates the committed PDF and PNG fixtures (run from this folder).

    pip install fpdf2==2.8.9      # PyPI
    apt-get install fonts-wqy-microhei poppler-utils
    python3 make_fixtures.py            # contract.pdf (3 pages), contract-page1.png (its page 1 at
                                        # 300 dpi), scanned.pdf (that image alone, no text layer)
                                        # and contract-gb18030.txt (Python's own GB18030 codec)
    python3 make_fixtures.py bench 30   # bench-30.pdf, a 30-page timing input (not committed)

The font is embedded as a subset with a ToUnicode map, as Word and WPS export it, so
pdftotext reads the text without the Adobe CID tables.
"""
import subprocess
import sys

from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

CLAUSES = [
    ("第一条 合同标的",
     "甲方向乙方采购服务器及配套设备，设备名称、型号、数量详见附件一《设备清单》，"
     "乙方应保证所供设备为全新原厂正品，并符合国家相关质量标准及行业标准的规定。"),
    ("第二条 合同价款",
     "本合同总价为人民币壹佰贰拾万元整（¥1,200,000.00元），该价款已包含设备费、运输费、"
     "安装调试费、培训费及税费，除本合同另有约定外，甲方无需另行支付任何费用。"),
    ("第三条 付款方式",
     "甲方应于设备验收合格之日起30日内支付合同总价的90%，即人民币1,080,000.00元；"
     "剩余10%作为质量保证金，于质保期届满且无质量问题后15日内支付。"),
    ("第四条 交付与验收",
     "乙方应于2024年3月1日前将设备运至甲方指定地点，甲方应在收货后7个工作日内组织验收，"
     "逾期未提出书面异议的，视为验收合格。"),
    ("第五条 违约责任",
     "乙方逾期交货的，每逾期一日应按合同总价的0.5%向甲方支付违约金，违约金总额不超过合同总价的20%。"),
    ("第六条 争议解决",
     "因本合同引起的争议，双方应友好协商解决；协商不成的，任何一方均可向甲方所在地人民法院提起诉讼。"),
]


class Contract(FPDF):
    def header(self):
        self.set_font("wqy", size=9)
        self.cell(0, 8, "华东设备采购合同（合同编号：HD-2024-017）", align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self):
        self.set_y(-15)
        self.set_font("wqy", size=9)
        self.cell(0, 8, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")


def make(path, pages):
    pdf = Contract(format="A4")
    pdf.add_font("wqy", fname=FONT)
    pdf.set_auto_page_break(False)
    per_page = 2
    for page in range(pages):
        pdf.add_page()
        if page == 0:
            pdf.set_font("wqy", size=16)
            pdf.cell(0, 12, "设备采购合同", align="C", new_x="LMARGIN", new_y="NEXT")
        for index in range(per_page):
            title, body = CLAUSES[(page * per_page + index) % len(CLAUSES)]
            pdf.set_font("wqy", size=12)
            pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
            pdf.multi_cell(0, 8, body, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    pdf.output(path)


# Includes 𠮷 (U+20BB7), which GB18030 encodes in four bytes, unlike GBK.
GB18030_TEXT = "第一条 合同金额\n合同总价为人民币壹佰贰拾万元整（¥1,200,000.00元）。\n乙方：吉𠮷贸易有限公司\n"


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "bench":
        make(f"bench-{sys.argv[2]}.pdf", int(sys.argv[2]))
    else:
        make("contract.pdf", 3)
        with open("contract-gb18030.txt", "wb") as f:
            f.write(GB18030_TEXT.encode("gb18030"))
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile",
                        "contract.pdf", "contract-page1"], check=True)
        scan = FPDF(format="A4")
        scan.add_page()
        scan.image("contract-page1.png", x=0, y=0, w=210, h=297)
        scan.output("scanned.pdf")
