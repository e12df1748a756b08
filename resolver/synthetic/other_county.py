"""An independent synthetic county, for measuring Doudi on data it did not shape.

The module builds one rural county person by person -- a Han-majority county of
Chongqing or a banner of 兴安盟 (Inner Mongolia) -- with households on the hukou
register, health and disability, deaths, the 建档立卡 poverty register, 低保/特困
enrolment and monthly payments.  It then injects the four anomalies of the data
contract together with look-alike negative controls, renders the six registries as
dirty county ledgers (CSV in three encodings and XLSX) and writes a ground truth
that is derived from the clean tables by the rules of CONTRACT.md §2.

It was written from the data contract only and shares no code or assumption with
the project's own generator.  Entry point: :func:`write_other_county`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import time
import zipfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import opencc
from openpyxl import Workbook

log = logging.getLogger(__name__)

REGISTRIES = ("hukou", "assistance", "payments", "poverty", "disability", "deaths")
CASE_TYPES = ("deceased_paid", "duplicate_enrollment", "split_household", "missed_disability")
CONTROL_TYPES = (
    "legit_separate_household",
    "legit_single_person",
    "stale_income",
    "cross_hukou_split",
    "wrong_death_notice",
    "death_within_grace",
)
POOR_STATUSES = ("未脱贫", "脱贫监测户", "边缘户")
SEVERE_ANY_LEVEL_TYPES = ("智力", "精神")
MIN_PEOPLE = 500  # the fewest people a county of this generator has


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class CountyParams:
    """Knobs of the county.  Anomaly and control rates are per 10,000 people."""

    as_of: date = date(2024, 6, 30)
    payment_months: int = 30
    death_lookback_months: int = 42
    grace_months: int = 1
    dibao_standard_year: float = 4500.0
    away_share: float = 0.22
    deregistered_death_share: float = 0.65
    ghost_death_share: float = 0.03
    deceased_paid: float = 12.0
    duplicate_enrollment: float = 12.0
    split_household: float = 12.0
    missed_disability: float = 12.0
    legit_separate_household: float = 8.0
    legit_single_person: float = 8.0
    stale_income: float = 6.0
    cross_hukou_split: float = 5.0
    wrong_death_notice: float = 6.0
    death_within_grace: float = 6.0
    min_per_type: int = 3

    def target(self, kind: str, people: int) -> int:
        """How many anomalies or controls of one kind a county of `people` gets.

        Parameters
        ----------
        kind : str
            An anomaly or control type: the name of one of the rate fields.
        people : int
            The county's population.

        Returns
        -------
        int
            The count, never fewer than ``min_per_type``.
        """
        return max(self.min_per_type, round(getattr(self, kind) * people / 10_000))


# --------------------------------------------------------------------------- vocabularies
_HAN_TOWNSHIPS = (
    "龙角镇",
    "故陵镇",
    "红狮镇",
    "洞鹿乡",
    "路阳镇",
    "农坝镇",
    "渠马镇",
    "黄石镇",
    "巴阳镇",
    "沙市镇",
    "鱼泉镇",
    "凤鸣镇",
    "宝坪镇",
    "南溪镇",
    "江口镇",
    "平安镇",
    "高阳镇",
    "水口镇",
    "泥溪镇",
    "后叶镇",
    "上坝乡",
    "清水乡",
    "耀灵镇",
    "外郎乡",
    "新津乡",
    "堰坪镇",
    "盘石镇",
    "蔈草镇",
    "桑坪镇",
    "云安镇",
    "养鹿镇",
    "大阳镇",
    "双土镇",
    "人和镇",
    "栖霞镇",
    "龙洞镇",
    "普安乡",
    "石门乡",
    "里市镇",
    "双龙镇",
    "中和镇",
    "马鞍乡",
)
_HAN_VILLAGES = tuple(
    root + "村"
    for root in (
        "石门",
        "青龙",
        "白岩",
        "桂花",
        "长岭",
        "黄桷",
        "双河",
        "金竹",
        "大坪",
        "新华",
        "红旗",
        "团结",
        "高峰",
        "龙泉",
        "柏树",
        "杨柳",
        "马鞍",
        "凉水",
        "枫香",
        "三合",
        "五星",
        "太平",
        "观音",
        "狮子",
        "盐井",
        "水井",
        "茶园",
        "桥坝",
        "堰塘",
        "天池",
        "梨子",
        "核桃",
        "莲花",
        "向阳",
        "复兴",
        "和平",
        "新建",
        "光明",
        "铁炉",
        "龙塘",
        "老林",
        "鹿鸣",
        "石笋",
        "凤凰",
        "板桥",
        "八角",
        "青杠",
        "银杏",
    )
)
_HAN_COURTYARDS = (
    "李家湾",
    "王家院子",
    "大湾",
    "老屋基",
    "张家坝",
    "石板沟",
    "竹林湾",
    "堰塘湾",
    "枫树坪",
    "瓦房子",
    "新房子",
    "大田坎",
    "陈家沟",
    "刘家岩",
    "杨家坪",
    "黄泥塝",
    "水井湾",
    "松树垭",
    "庙垭口",
    "岩脚",
    "河坝",
    "中间院子",
    "上院子",
    "下院子",
)
_MONGOLIAN_TOWNSHIPS = (
    "音德尔镇",
    "宝力根花苏木",
    "新林镇",
    "阿拉达尔吐苏木",
    "胡尔勒镇",
    "努文木仁苏木",
    "好力保镇",
    "巴彦扎拉嘎苏木",
    "巴彦高勒镇",
    "额尔格图苏木",
    "图牧吉镇",
    "白音套海苏木",
    "巴达尔胡镇",
    "西日嘎苏木",
    "阿尔本格勒镇",
    "宝力格苏木",
    "哈拉黑镇",
    "都尔本苏木",
    "罕达罕镇",
    "乌兰苏木",
    "查干诺尔镇",
    "巴彦乌兰苏木",
    "希勒苏木",
    "敖包苏木",
)
_MONGOLIAN_VILLAGES = (
    "巴彦嘎查",
    "乌兰嘎查",
    "哈日朝鲁嘎查",
    "白音套海嘎查",
    "宝日浩特嘎查",
    "阿拉坦嘎查",
    "希勒嘎查",
    "查干嘎查",
    "乌兰哈达嘎查",
    "伊和嘎查",
    "巴彦乌兰嘎查",
    "好力宝嘎查",
    "敖包嘎查",
    "新艾力嘎查",
    "德勒格尔嘎查",
    "哈拉嘎查",
    "前进村",
    "五一村",
    "团结村",
    "胜利村",
    "新发村",
    "永丰村",
    "四家子村",
    "三合村",
    "太平村",
    "东升村",
    "富裕村",
    "六家子村",
    "二龙村",
    "红光村",
    "保安村",
    "双榆村",
    "东风村",
    "长胜村",
    "新立村",
    "治安村",
    "民主村",
    "丰收村",
    "平安村",
    "兴隆村",
)
_HAN_SURNAMES = "王李张刘陈杨黄周何罗谭冉向邓彭唐余谢曾赵吴徐胡袁熊蒋冯杜廖牟秦文汪程邹傅田任孙朱"
_NORTH_SURNAMES = "王李张刘赵孙于高杨陈马郭董韩姜吕邢付徐宋石白田杜曹孟"
_MONGOL_HAN_SURNAMES = "包白韩宝吴金陈王鲍何"

_GIVEN = {  # (era, male) -> (first characters, second characters)
    ("old", True): (
        "德国建明永家世光成正开泽兴大学文万发长树昌玉志祖",
        "明华国福荣富贵成文才清林山云生全祥海兴安平顺良旺权",
    ),
    ("mid", True): ("建志国小海红勇明永俊晓德朝", "华刚军平强伟波林涛斌勇峰超辉杰兵东明春伦"),
    ("young", True): ("浩宇俊子博家梓天一锦鑫文佳思", "宇然轩豪杰航博文睿辰泽阳鹏磊鑫洋熙"),
    ("old", False): ("秀桂玉淑素翠凤德光明兴泽春菊月大兰", "英兰珍芬芳华秀琼梅香莲凤蓉"),
    ("mid", False): ("丽小红春晓海秀德玉美", "丽芳敏静燕霞红玲萍英琴梅华琼娟"),
    ("young", False): ("欣梓雨思佳诗可紫梦若语一子静雅", "怡涵琪瑶曦嫣悦桐诺婷雪馨彤萱"),
}
_SINGLE_GIVEN_SHARE = {"old": 0.08, "mid": 0.35, "young": 0.2}

# Characters that a clerk may write with a same-sounding one (incl. Sichuanese en/eng merges).
_HOMOPHONES = {
    "英": "瑛鹰",
    "兰": "蓝澜",
    "华": "化桦",
    "明": "铭鸣",
    "军": "君均",
    "平": "萍苹",
    "红": "宏洪",
    "辉": "晖徽",
    "伟": "玮炜",
    "勇": "永涌",
    "杰": "洁",
    "静": "靖婧",
    "丽": "莉俐",
    "敏": "民珉",
    "霞": "侠",
    "玲": "铃龄",
    "燕": "艳雁",
    "梅": "玫媚",
    "秀": "绣",
    "桂": "贵",
    "珍": "贞真",
    "凤": "风奉",
    "琴": "芹勤",
    "建": "剑健",
    "德": "得",
    "志": "智治",
    "文": "雯闻",
    "成": "诚程",
    "林": "琳霖凌",
    "波": "博",
    "斌": "彬宾",
    "刚": "钢纲",
    "涛": "韬",
    "祥": "翔",
    "福": "富甫",
    "贵": "桂",
    "春": "椿",
    "云": "芸运",
    "清": "青",
    "生": "升声",
    "荣": "蓉容",
    "金": "津锦",
    "玉": "钰育",
    "学": "雪",
    "光": "广",
    "全": "权泉",
    "良": "梁亮",
    "东": "冬",
    "芳": "方",
    "娟": "鹃",
    "峰": "锋丰",
    "兵": "冰",
    "永": "勇泳",
    "家": "佳嘉",
    "世": "仕",
    "正": "政",
    "开": "凯",
    "兴": "新",
    "泽": "则",
    "才": "材财",
    "山": "珊",
    "香": "湘",
    "莲": "连",
    "淑": "书",
    "素": "苏",
    "翠": "萃",
    "浩": "皓昊",
    "宇": "雨羽",
    "俊": "骏峻",
    "子": "紫梓",
    "鑫": "欣馨",
    "怡": "宜",
    "涵": "含晗",
    "琪": "琦淇",
    "瑶": "遥",
    "婷": "亭",
    "雪": "学",
    "欣": "鑫馨",
    "李": "黎",
    "王": "汪",
    "杨": "阳",
    "徐": "许",
    "蒋": "姜",
    "张": "章",
    "陈": "程",
    "刘": "柳",
    "包": "鲍",
    "白": "柏",
}

# Mongolian name elements: spellings (first = the hukou spelling), gender m/f/u and
# position: a = anywhere, f = alone or leading, l = alone or ending, s = ending only.
_MONGOL_TOKENS = (
    (("巴特尔", "巴特儿", "巴图尔"), "m", "a"),
    (("额尔敦", "额日敦", "额尔顿"), "u", "f"),
    (("那日苏", "纳日苏", "那仁苏"), "m", "a"),
    (("乌云", "乌韵", "乌荣"), "f", "f"),
    (("苏和", "苏赫", "苏合"), "m", "l"),
    (("朝鲁", "朝乐", "超鲁"), "m", "l"),
    (("巴雅尔", "巴亚尔", "巴雅日"), "m", "a"),
    (("孟和", "蒙和", "孟赫"), "m", "a"),
    (("特木尔", "铁木尔", "特穆尔"), "m", "l"),
    (("毕力格", "必力格", "毕力戈"), "u", "l"),
    (("阿拉坦", "阿拉腾", "阿勒坦"), "u", "f"),
    (("宝音", "包音", "保音"), "u", "f"),
    (("白音", "巴音", "百音"), "m", "f"),
    (("达来", "达赖", "达莱"), "m", "a"),
    (("朝克图", "朝格图", "超克图"), "m", "a"),
    (("宝力道", "宝力德", "包力道"), "m", "a"),
    (("乌力吉", "乌力记", "吾力吉"), "m", "a"),
    (("吉日嘎拉", "吉日格勒", "吉日嘎啦"), "m", "a"),
    (("额尔德木图", "额尔登图", "额尔德穆图"), "m", "a"),
    (("敖特根", "敖特更", "敖特格"), "u", "f"),
    (("阿木古楞", "阿木古郎", "阿木古冷"), "m", "a"),
    (("道尔吉", "道日吉", "道尔基"), "m", "l"),
    (("图门", "图们", "土门"), "m", "a"),
    (("布和", "布赫", "卜和"), "m", "l"),
    (("哈斯", "哈思"), "u", "f"),
    (("斯琴", "斯庆", "斯勤"), "u", "f"),
    (("其木格", "奇木格", "其米格"), "f", "l"),
    (("其其格", "琪琪格", "齐齐格"), "f", "l"),
    (("高娃", "高哇", "高瓦"), "f", "l"),
    (("图雅", "图娅", "吐雅"), "f", "a"),
    (("萨仁", "萨茹", "沙仁"), "f", "f"),
    (("塔娜", "塔那", "他娜"), "f", "a"),
    (("娜仁", "那仁", "纳仁"), "f", "f"),
    (("乌日娜", "乌仁娜", "乌日那"), "f", "a"),
    (("萨日娜", "萨仁娜", "沙日娜"), "f", "a"),
    (("格日勒", "格日乐", "格勒"), "u", "f"),
    (("托娅", "陶娅", "托雅"), "f", "a"),
    (("吉雅", "吉娅", "吉亚"), "f", "a"),
    (("敖登", "敖敦", "奥登"), "f", "a"),
    (("花", "华"), "f", "s"),
    (("图", "吐"), "m", "s"),
    (("仓", "苍"), "m", "s"),
)
_CLANS = (
    ("包", 0.36),
    ("白", 0.2),
    ("韩", 0.1),
    ("宝", 0.08),
    ("鲍", 0.05),
    ("吴", 0.05),
    ("孛儿只斤·", 0.1),
    ("博尔济吉特·", 0.06),
)
_CLAN_DOTS = ("·", "", "•", ".")

_HOUSEHOLD_KINDS = (
    ("lone_elder", 0.12),
    ("elder_couple", 0.15),
    ("single_adult", 0.07),
    ("couple", 0.08),
    ("nuclear", 0.28),
    ("three_generation", 0.14),
    ("stem", 0.08),
    ("elders_next_door", 0.08),
)
_REL_RANK = {
    "户主": 0,
    "配偶": 1,
    "父亲": 2,
    "母亲": 2,
    "子": 3,
    "女": 3,
    "儿媳": 4,
    "女婿": 4,
    "孙子": 5,
    "孙女": 5,
}
_DISABILITY_TYPES = (
    ("肢体", 0.42),
    ("视力", 0.12),
    ("听力", 0.14),
    ("言语", 0.02),
    ("智力", 0.11),
    ("精神", 0.12),
    ("多重", 0.07),
)
_DISABILITY_CODE = {"视力": 1, "听力": 2, "言语": 3, "肢体": 4, "智力": 5, "精神": 6, "多重": 7}
_LEVEL_CN = ("", "一级", "二级", "三级", "四级")
_PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "187",
    "189",
    "199",
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))
_FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
_CN_DIGITS = "一二三四五六七八九"

_AMOUNTS_HAN = {
    "A": {2018: 335, 2019: 360, 2020: 385, 2021: 400, 2022: 415, 2023: 435, 2024: 455, 2025: 475},
    "B": {2018: 270, 2019: 290, 2020: 305, 2021: 320, 2022: 335, 2023: 350, 2024: 370, 2025: 385},
    "C": {2018: 140, 2019: 150, 2020: 160, 2021: 170, 2022: 180, 2023: 195, 2024: 210, 2025: 220},
    "特困": {
        2018: 530,
        2019: 560,
        2020: 590,
        2021: 610,
        2022: 640,
        2023: 665,
        2024: 700,
        2025: 730,
    },
}
_AMOUNTS_MONGOLIAN = {
    "A": {2018: 390, 2019: 415, 2020: 440, 2021: 460, 2022: 480, 2023: 505, 2024: 530, 2025: 555},
    "B": {2018: 320, 2019: 340, 2020: 360, 2021: 375, 2022: 390, 2023: 410, 2024: 430, 2025: 450},
    "C": {2018: 180, 2019: 195, 2020: 205, 2021: 215, 2022: 225, 2023: 240, 2024: 255, 2025: 265},
    "特困": {
        2018: 600,
        2019: 630,
        2020: 660,
        2021: 685,
        2022: 710,
        2023: 740,
        2024: 770,
        2025: 800,
    },
}

# Chinese headers of CONTRACT.md §1, plus the extra columns this generator adds.
_ZH = {
    "record_id": "记录编号",
    "hukou_no": "户号",
    "name": "姓名",
    "id_number": "身份证号码",
    "gender": "性别",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "township": "乡镇",
    "village": "村组",
    "address": "住址",
    "phone": "联系电话",
    "ethnicity": "民族",
    "case_no": "救助证号",
    "program": "救助类型",
    "dibao_class": "低保类别",
    "covered": "是否保障对象",
    "household_size": "家庭人数",
    "health": "健康状况",
    "income_per_capita": "家庭人均月纯收入（元）",
    "start_date": "纳入日期",
    "end_date": "退出日期",
    "bank_account": "银行账号",
    "remark": "备注",
    "payee_name": "领款人姓名",
    "payee_id_number": "领款人身份证号码",
    "pay_month": "发放月份",
    "amount": "发放金额（元）",
    "poverty_hh_no": "户编号",
    "poverty_status": "贫困户状态",
    "labor_capacity": "劳动技能",
    "poverty_cause": "主要致贫原因",
    "income_per_capita_year": "人均纯收入（元/年）",
    "cert_no": "残疾证号",
    "disability_type": "残疾类别",
    "disability_level": "残疾等级",
    "issue_date": "发证日期",
    "death_date": "死亡日期",
    "source": "数据来源",
}
_REGISTRY_ZH = {
    "hukou": "户籍人口",
    "assistance": "救助对象",
    "payments": "发放记录",
    "poverty": "建档立卡",
    "disability": "残疾人",
    "deaths": "死亡人员",
}

# How each office damages values.  ID damage shares per registry row.
_ID_DAMAGE = {
    "hukou": {"blank": 0.003, "space": 0.01, "fullwidth": 0.005, "id15": 0.008},
    "assistance": {
        "blank": 0.04,
        "space": 0.03,
        "fullwidth": 0.03,
        "id15": 0.02,
        "sci": 0.025,
        "zeroed": 0.025,
        "relative": 0.015,
    },
    "poverty": {
        "blank": 0.02,
        "space": 0.02,
        "fullwidth": 0.02,
        "id15": 0.01,
        "sci": 0.03,
        "zeroed": 0.03,
        "relative": 0.01,
    },
    "disability": {"blank": 0.05, "space": 0.02, "fullwidth": 0.02, "sci": 0.01, "zeroed": 0.01},
    "deaths": {"space": 0.03, "fullwidth": 0.03, "id15": 0.04, "sci": 0.02, "zeroed": 0.02},
    "payments": {"blank": 0.05, "sci": 0.03, "zeroed": 0.02},
}
_LOWER_X = {
    "hukou": 0.1,
    "assistance": 0.35,
    "poverty": 0.3,
    "disability": 0.2,
    "deaths": 0.3,
    "payments": 0.2,
}
# Han name damage: (homophone, traditional, stray space); Mongolian: spelling variant per element.
_NAME_DAMAGE = {
    "hukou": (0.004, 0.002, 0.0),
    "assistance": (0.03, 0.01, 0.02),
    "poverty": (0.03, 0.01, 0.02),
    "disability": (0.02, 0.01, 0.01),
    "deaths": (0.05, 0.015, 0.02),
    "payments": (0.01, 0.0, 0.0),
}
_MONGOL_VARIANT = {
    "hukou": 0.0,
    "assistance": 0.3,
    "poverty": 0.3,
    "disability": 0.25,
    "deaths": 0.35,
    "payments": 0.1,
}
_CLAN_SHOWN = {
    "assistance": 0.45,
    "poverty": 0.5,
    "disability": 0.4,
    "deaths": 0.35,
    "payments": 0.5,
}
_DATE_STYLES = {
    "hukou": {"iso": 0.75, "compact": 0.2, "slash": 0.05},
    "assistance": {"iso": 0.35, "slash": 0.3, "compact": 0.15, "cn": 0.2},
    "poverty": {"iso": 0.5, "compact": 0.3, "slash": 0.2},
    "disability": {"iso": 0.6, "slash": 0.25, "cn": 0.15},
    "deaths": {"iso": 0.4, "slash": 0.2, "compact": 0.2, "cn": 0.2},
}
# Address writing: P(full prefix), P(county prefix), P(township), P(group in Chinese
# numerals), P(alternative group word), P(courtyard shown), P(house number shown).
_ADDRESS_STYLE = {
    "hukou": (0.8, 0.15, 1.0, 0.7, 0.0, 0.9, 0.95),
    "assistance": (0.1, 0.2, 0.6, 0.5, 0.35, 0.4, 0.35),
    "deaths": (0.2, 0.3, 0.5, 0.5, 0.3, 0.3, 0.3),
}


@dataclass(frozen=True)
class _Region:
    """One county: names, codes, vocabularies, payment amounts and how its offices export."""

    key: str
    province: str
    prefecture: str
    county: str
    code: str
    old_codes: tuple[str, ...]
    outside_codes: tuple[str, ...]
    townships: tuple[str, ...]
    villages: tuple[str, ...]
    group_words: tuple[str, ...]
    courtyards: tuple[str, ...]
    away_places: tuple[str, ...]
    han_surnames: str
    mongolian_households: float
    minorities: tuple[tuple[str, float], ...]
    amounts: dict
    poverty_share: float
    dibao_factor: float
    bank_bin: str
    numeric_record_ids: bool
    files: dict = field(default_factory=dict)  # registry -> (file name, encoding or xlsx, lang)


_REGIONS = {
    "han": _Region(
        key="han",
        province="重庆市",
        prefecture="",
        county="云阳县",
        code="500235",
        old_codes=("512326",),
        outside_codes=("500236", "500154", "500233", "422822", "511321"),
        townships=_HAN_TOWNSHIPS,
        villages=_HAN_VILLAGES,
        group_words=("组", "社"),
        courtyards=_HAN_COURTYARDS,
        away_places=(
            "重庆市渝北区龙溪街道",
            "重庆市江北区观音桥街道",
            "重庆市万州区高笋塘街道",
            "广东省东莞市长安镇",
            "浙江省宁波市北仑区新碶街道",
        ),
        han_surnames=_HAN_SURNAMES,
        mongolian_households=0.0,
        minorities=(("土家族", 0.03), ("苗族", 0.01)),
        amounts=_AMOUNTS_HAN,
        poverty_share=0.11,
        dibao_factor=1.0,
        bank_bin="6224",
        numeric_record_ids=False,
        files={
            "hukou": ("户籍人口.csv", "gb18030", "zh"),
            "assistance": ("救助对象.xlsx", "xlsx", "zh"),
            "payments": ("payments.csv", "utf-8", "en"),
            "poverty": ("建档立卡.csv", "utf-8-sig", "zh"),
            "disability": ("disability.xlsx", "xlsx", "en"),
            "deaths": ("死亡人员.csv", "gb18030", "zh"),
        },
    ),
    "mongolian": _Region(
        key="mongolian",
        province="内蒙古自治区",
        prefecture="兴安盟",
        county="扎赉特旗",
        code="152223",
        old_codes=(),
        outside_codes=("152222", "152221", "152201", "150525", "220822", "230224"),
        townships=_MONGOLIAN_TOWNSHIPS,
        villages=_MONGOLIAN_VILLAGES,
        group_words=("组",),
        courtyards=(),
        away_places=(
            "乌兰浩特市和平街道",
            "乌兰浩特市都林街道",
            "齐齐哈尔市龙沙区",
            "通辽市科尔沁区",
            "呼和浩特市赛罕区",
        ),
        han_surnames=_NORTH_SURNAMES,
        mongolian_households=0.47,
        minorities=(("满族", 0.02),),
        amounts=_AMOUNTS_MONGOLIAN,
        poverty_share=0.14,
        dibao_factor=1.35,
        bank_bin="6228",
        numeric_record_ids=True,
        files={
            "hukou": ("hukou.csv", "utf-8-sig", "en"),
            "assistance": ("救助对象.csv", "gb18030", "zh"),
            "payments": ("发放记录.csv", "utf-8", "zh"),
            "poverty": ("poverty.xlsx", "xlsx", "en"),
            "disability": ("残疾人.csv", "utf-8", "zh"),
            "deaths": ("deaths.xlsx", "xlsx", "zh"),
        },
    ),
}


# --------------------------------------------------------------------------- small helpers
def _m(d: date) -> int:
    """Month index of a date: year * 12 + month - 1."""
    return d.year * 12 + d.month - 1


def _month_start(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


def _month_end(m: int) -> date:
    return _month_start(m + 1) - timedelta(days=1)


def _ym(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _with_check(body17: str) -> str:
    """Append the GB 11643 check character to 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True))
    return body17 + _ID_CHECK[total % 11]


def _check_chars(bodies: np.ndarray) -> np.ndarray:
    """Vectorised GB 11643 check characters for an array of 17-digit strings."""
    codes = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(-1, 17) - 48
    return _ID_CHECK[(codes.astype(np.int64) @ _ID_WEIGHTS) % 11]


def _cn_number(n: int) -> str:
    """1..99 in Chinese numerals, as village groups are written (八组, 十二组)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens - 1] + "十")
    return head + (_CN_DIGITS[ones - 1] if ones else "")


def _weighted(rng: np.random.Generator, items, weights, size=None):
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(items), size=size, p=p / p.sum())


def _surname_weights(chars: str) -> np.ndarray:
    return 1.0 / (np.arange(len(chars)) + 4.0)


# --------------------------------------------------------------------------- internal records
@dataclass
class _Case:
    """One 低保 or 特困 case: its number, payee, account and where it is registered."""

    no: str
    program: str
    hh: int
    loc: tuple  # (township, village, group, courtyard, house number); village -1 = an institution
    payee: int
    bank: str
    income: float
    start: date
    phone: str
    site: str = ""


@dataclass(eq=False)
class _Row:
    """One member row of a case (a row of the assistance roster)."""

    case: str
    pid: int
    cls: str
    covered: bool
    start: date
    end: date | None
    rel: str
    name_variant: bool = False
    id_mode: str = ""
    rid: str = ""

    def active(self, m: int) -> bool:
        return _m(self.start) <= m and (self.end is None or _m(self.end) >= m)


@dataclass(eq=False)
class _Notice:
    """One death notice; `id_of` is the person whose ID the notice carries (wrongly or not)."""

    pid: int
    source: str
    when: date
    with_id: bool
    with_birth: bool
    id_of: int
    name_variant: bool = False
    place: str = ""
    rid: str = ""


@dataclass
class _Poverty:
    """One 建档立卡 household: number, status, income per person per year, main cause."""

    no: str
    status: str
    income: float
    cause: str


@dataclass
class _Finding:
    """An injected anomaly or control, pointing at clean records until record ids exist."""

    kind: str
    refs: list  # (registry, object): assistance -> _Row, disability/poverty/hukou -> pid,
    #             deaths -> pid (all notices of that person)
    note: str
    key: object = None


class _Family:
    """Members of one household, or of a household and the parents' household next door."""

    def __init__(self) -> None:
        self.m: list[list] = []  # [hh offset, relation, age, male, lineage, parent, spouse]

    def add(self, rel, age, male, lineage, hh=0, parent=-1) -> int:
        self.m.append(
            [hh, rel, float(min(max(age, 0.05), 99.5)), bool(male), bool(lineage), parent, -1]
        )
        return len(self.m) - 1

    def age(self, i: int) -> float:
        return self.m[i][2]

    def marry(self, a: int, b: int) -> None:
        self.m[a][6], self.m[b][6] = b, a


def _nuclear(f: _Family, rng, head_age: float, kids=(0.1, 0.45, 0.35, 0.1), male=None) -> int:
    """A couple and their children; returns the head."""
    male = rng.random() < 0.9 if male is None else male
    h = f.add("户主", head_age, male, male)
    s_age = head_age - rng.uniform(-2, 6) if male else head_age + rng.uniform(-2, 6)
    s = f.add("配偶", max(s_age, 19 + rng.uniform(0, 4)), not male, not male)
    f.marry(h, s)
    father, mother_age = (h, s_age) if male else (s, head_age)
    for _ in range(rng.choice(4, p=kids)):
        age = mother_age - rng.uniform(20, 36)
        if age > 0:
            boy = rng.random() < 0.52
            f.add("子" if boy else "女", age, boy, True, parent=father)
    return h


def _three_generation(f: _Family, rng) -> None:
    """Grandparents, a married son with his wife and children, sometimes an unmarried child."""
    h = f.add("户主", rng.uniform(50, 80), True, True)
    s = f.add("配偶", f.age(h) - rng.uniform(-2, 6), False, False)
    f.marry(h, s)
    son = f.add(
        "子", max(f.age(s) - rng.uniform(21, 33), 19 + rng.uniform(0, 4)), True, True, parent=h
    )
    dil = f.add("儿媳", max(f.age(son) - rng.uniform(-3, 5), 18 + rng.uniform(0, 4)), False, False)
    f.marry(son, dil)
    for _ in range(rng.choice(4, p=(0.15, 0.4, 0.35, 0.1))):
        age = f.age(dil) - rng.uniform(20, 34)
        if age > 0:
            boy = rng.random() < 0.52
            f.add("孙子" if boy else "孙女", age, boy, True, parent=son)
    if rng.random() < 0.15:
        boy = rng.random() < 0.5
        age = min(
            max(f.age(son) + rng.uniform(-8, 8), 16 + rng.uniform(0, 3)),
            f.age(s) - 18 - rng.uniform(0, 3),
        )
        f.add("子" if boy else "女", age, boy, True, parent=h)


def _elders_next_door(f: _Family, rng, head: int) -> None:
    """The head's parents, on their own 户号 in the same courtyard."""
    base = f.age(head)
    father = mother = -1
    if rng.random() < 0.75:
        father = f.add("户主", base + rng.uniform(22, 34), True, True, hh=1)
    if father < 0 or rng.random() < 0.8:
        age = f.age(father) - rng.uniform(-2, 5) if father >= 0 else base + rng.uniform(20, 33)
        mother = f.add("配偶" if father >= 0 else "户主", age, False, False, hh=1)
        if father >= 0:
            f.marry(father, mother)
    f.m[head][5] = father if father >= 0 else mother


def _family(kind: str, rng) -> _Family:
    """Draw the members of one household (two for `elders_next_door`)."""
    f = _Family()
    u = rng.uniform
    if kind == "lone_elder":
        f.add("户主", u(62, 97), rng.random() < 0.38, True)
    elif kind == "elder_couple":
        h = f.add("户主", u(60, 91), True, True)
        f.marry(h, f.add("配偶", max(f.age(h) - u(-2, 6), u(55, 60)), False, False))
    elif kind == "single_adult":
        f.add("户主", u(24, 63), rng.random() < 0.8, True)
    elif kind == "couple":
        h = f.add("户主", u(24, 62), True, True)
        f.marry(h, f.add("配偶", max(f.age(h) - u(-2, 6), u(19, 23)), False, False))
    elif kind == "nuclear":
        _nuclear(f, rng, u(26, 58))
    elif kind == "stem":
        h = _nuclear(f, rng, u(30, 58), kids=(0.25, 0.4, 0.3, 0.05))
        male = rng.random() < 0.3
        f.m[h][5] = f.add("父亲" if male else "母亲", f.age(h) + u(22, 36), male, male)
    elif kind == "three_generation":
        _three_generation(f, rng)
    else:
        _elders_next_door(f, rng, _nuclear(f, rng, u(30, 54), male=True))
    return f


def _mongol_pools():
    """Token indices usable alone, leading and ending a name, per gender (True = male)."""
    pools = {}
    for male in (True, False):
        ok = {i for i, (_, g, _) in enumerate(_MONGOL_TOKENS) if g == "u" or (g == "m") == male}
        pos = {i: _MONGOL_TOKENS[i][2] for i in ok}
        pools[male] = (
            sorted(i for i in ok if pos[i] != "s"),
            sorted(i for i in ok if pos[i] in "af"),
            sorted(i for i in ok if pos[i] in "als"),
        )
    return pools


_MONGOL_POOLS = _mongol_pools()


def _mongol_tokens(rng, male: bool) -> tuple[int, ...]:
    """A Mongolian name as element indices: one element or two, 2-7 characters."""
    alone, lead, end = _MONGOL_POOLS[male]
    while True:
        if rng.random() < 0.5:
            toks = (alone[rng.integers(len(alone))],)
        else:
            toks = (lead[rng.integers(len(lead))], end[rng.integers(len(end))])
        text = "".join(_MONGOL_TOKENS[t][0][0] for t in toks)
        if len(set(toks)) == len(toks) and 2 <= len(text) <= 7:
            return toks


# --------------------------------------------------------------------------- the county
class _County:
    """Builds the clean county, injects findings, derives the truth and renders the drop."""

    def __init__(self, people: int, seed: int, region: str, params: CountyParams) -> None:
        if region not in _REGIONS:
            raise ValueError(f"unknown region {region!r}; use one of {sorted(_REGIONS)}")
        if people < MIN_PEOPLE:
            raise ValueError(f"a county needs at least {MIN_PEOPLE} people")
        self.people, self.seed = people, seed
        self.region, self.params = _REGIONS[region], params
        self.rng = np.random.default_rng(seed)
        self.as_of, self.as_of_m = params.as_of, _m(params.as_of)
        self.pay_start_m = self.as_of_m - params.payment_months + 1
        self.death_start = _month_start(self.as_of_m - params.death_lookback_months + 1)
        self.std = params.dibao_standard_year
        if params.death_lookback_months < params.payment_months + 6:
            raise ValueError("the death register must reach 6 months before the payment window")
        years = {m // 12 for m in range(self.pay_start_m, self.as_of_m + 1)}
        if not years <= set(self.region.amounts["A"]):
            raise ValueError("payment window outside the amount table")
        self.p: dict[str, list] = {}
        self.h: dict[str, list] = {}
        self.villages: list[tuple[int, str, int]] = []  # (township, name, groups)
        self.members: dict[int, list[int]] = {}
        self.cases: dict[str, _Case] = {}
        self.rows: list[_Row] = []
        self.rows_by_case: dict[str, list[_Row]] = defaultdict(list)
        self.rows_by_pid: dict[int, list[_Row]] = defaultdict(list)
        self.poverty: dict[int, _Poverty] = {}
        self.notice_plan: dict[int, dict] = {}
        self.notices: list[_Notice] = []
        self.used_hh: set[int] = set()
        self.used_pid: set[int] = set()
        self.injected: list[_Finding] = []
        self.controls: list[_Finding] = []
        self.serial: dict[tuple, int] = defaultdict(int)
        self._t2s = opencc.OpenCC("s2t")

    # ----------------------------------------------------------------- build pipeline
    def build(self) -> None:
        """Run every step, from households to the derived truth."""
        steps = (
            self._compose,
            self._place,
            self._names,
            self._ids,
            self._phones,
            self._health,
            self._poverty_register,
            self._enrol,
            self._cover_background,
            self._inject_controls,
            self._inject_anomalies,
            self._label_natural_controls,
            self._ghost_deaths,
            self._make_notices,
            self._hukou_listing,
            self._payments,
            self._assign_record_ids,
            self._derive_truth,
            self._check_truth,
        )
        for step in steps:
            started = time.perf_counter()
            step()
            log.debug("step %s: %.2f s", step.__name__, time.perf_counter() - started)

    # ----------------------------------------------------------------- population
    def _compose(self) -> None:
        """Draw households until the county has exactly `people` persons."""
        rng = self.rng
        kinds = [k for k, _ in _HOUSEHOLD_KINDS]
        draws = iter(_weighted(rng, kinds, [w for _, w in _HOUSEHOLD_KINDS], self.people))
        cols = {k: [] for k in ("fam", "hh", "rel", "age", "male", "lineage", "parent", "spouse")}
        hh_kind, hh_link = [], []
        n = 0
        while n < self.people:
            kind = kinds[next(draws)]
            f = _family(kind, rng)
            if n + len(f.m) > self.people:
                kind, f = "lone_elder", _family("lone_elder", rng)
            base = len(hh_kind)
            for j in range(1 + max(m[0] for m in f.m)):
                hh_kind.append(kind if j == 0 else "elders")
                hh_link.append(-1 if j == 0 else base)
            for hh, rel, age, male, lineage, parent, spouse in f.m:
                for key, value in zip(
                    cols,
                    (
                        base,
                        base + hh,
                        rel,
                        age,
                        male,
                        lineage,
                        n + parent if parent >= 0 else -1,
                        n + spouse if spouse >= 0 else -1,
                    ),
                    strict=True,
                ):
                    cols[key].append(value)
            n += len(f.m)
        self.p = cols
        self.h = {"kind": hh_kind, "link": hh_link}
        age = np.array(cols["age"])
        days = (age * 365.25).astype("timedelta64[D]")
        birth = np.datetime64(self.as_of) - days
        self.p["birth"] = list(birth.astype("datetime64[D]").astype(object))
        working = (age >= 18) & (age < 55) & ~np.isin(np.array(cols["rel"]), ["父亲", "母亲"])
        self.p["away"] = list(working & (rng.random(n) < self.params.away_share))
        self.p["ghost"] = [False] * n
        self._index_members()
        log.info("composed %d people in %d households", n, len(hh_kind))

    def _index_members(self) -> None:
        """Household -> members, head first."""
        order = sorted(
            range(len(self.p["hh"])),
            key=lambda q: (_REL_RANK.get(self.p["rel"][q], 6), -self.p["age"][q]),
        )
        self.members = defaultdict(list)
        for q in order:
            if not self.p["ghost"][q]:
                self.members[self.p["hh"][q]].append(q)

    def _place(self) -> None:
        """Townships, villages and groups; every household gets a location and a 户号."""
        rng, reg = self.rng, self.region
        n_hh = len(self.h["kind"])
        n_twp = int(np.clip(round(self.people / 15000), 4, len(reg.townships)))
        twp = _weighted(rng, range(n_twp), rng.dirichlet(np.full(n_twp, 6.0)), n_hh)
        vil = np.zeros(n_hh, dtype=int)
        for t in range(n_twp):
            idx = np.flatnonzero(twp == t)
            n_vil = int(np.clip(round(idx.size * 3 / 1100), 3, len(reg.villages)))
            names = rng.choice(len(reg.villages), n_vil, replace=False)
            first = len(self.villages)
            for name in names:
                self.villages.append((t, reg.villages[name], int(rng.integers(4, 12))))
            weights = rng.lognormal(0, 0.4, n_vil)
            vil[idx] = first + _weighted(rng, names, weights, idx.size)
        self.first_village = {
            t: next(i for i, v in enumerate(self.villages) if v[0] == t) for t in range(n_twp)
        }
        groups = np.array([v[2] for v in self.villages])
        grp = 1 + (rng.random(n_hh) * groups[vil]).astype(int)
        court = [
            reg.courtyards[i] if reg.courtyards and rng.random() < 0.65 else ""
            for i in rng.integers(0, max(len(reg.courtyards), 1), n_hh)
        ]
        house = np.where(rng.random(n_hh) < 0.55, rng.integers(1, 160, n_hh), 0)
        for e, son in enumerate(self.h["link"]):
            if son >= 0:
                twp[e], vil[e], grp[e], court[e] = twp[son], vil[son], grp[son], court[son]
                house[e] = house[son] if rng.random() < 0.6 or not house[son] else house[son] + 1
        self.h.update(
            twp=list(twp),
            vil=list(vil),
            grp=list(grp),
            court=court,
            house=list(house),
            hukou_no=[self._hukou_no(v) for v in vil],
        )
        log.info("placed households in %d townships, %d villages", n_twp, len(self.villages))

    def _hukou_no(self, village: int) -> str:
        """A 9-digit 户号: township, village within the township, serial."""
        twp = self.villages[village][0]
        local = village - self.first_village[twp]
        self.serial["hukou", village] += 1
        return f"{twp + 1:02d}{local + 1:02d}{self.serial['hukou', village]:05d}"

    def _names(self) -> None:
        """Surnames along the lineage, given names by era; Mongolian names in the banner."""
        rng, reg, p = self.rng, self.region, self.p
        n = len(p["hh"])
        fam, lineage, male = (np.array(p[k]) for k in ("fam", "lineage", "male"))
        n_fam = fam.max() + 1
        mongol_fam = rng.random(n_fam) < reg.mongolian_households
        married_in = rng.random(n) < reg.mongolian_households
        mongol_eth = np.where(lineage | (rng.random(n) < 0.8), mongol_fam[fam], married_in)
        mongol_name = mongol_eth & (rng.random(n) < 0.88)
        han_w, mg_w = _surname_weights(reg.han_surnames), _surname_weights(_MONGOL_HAN_SURNAMES)
        han = np.array(list(reg.han_surnames))
        mg = np.array(list(_MONGOL_HAN_SURNAMES))
        fam_sur = np.where(
            mongol_fam, mg[_weighted(rng, mg, mg_w, n_fam)], han[_weighted(rng, han, han_w, n_fam)]
        )
        own_sur = np.where(
            mongol_eth, mg[_weighted(rng, mg, mg_w, n)], han[_weighted(rng, han, han_w, n)]
        )
        p["surname"] = list(np.where(lineage, fam_sur[fam], own_sur))
        p["given"] = self._generation_names(self._given_names(male), male)
        p["mongol"] = list(mongol_name)
        p["eth"] = self._ethnicity(mongol_eth)
        self._mongol_names(mongol_name, fam, lineage, male)

    def _ethnicity(self, mongol_eth: np.ndarray) -> list[str]:
        """民族 per person: 蒙古族 where the family is Mongolian, else 汉族 or a local minority."""
        rng, reg = self.rng, self.region
        names = [name for name, _ in reg.minorities]
        shares = np.cumsum([s for _, s in reg.minorities])
        u = rng.random(len(mongol_eth))
        out = []
        for is_mongol, x in zip(mongol_eth, u, strict=True):
            k = int(np.searchsorted(shares, x, side="right"))
            out.append("蒙古族" if is_mongol else (names[k] if k < len(names) else "汉族"))
        return out

    def _given_names(self, male: np.ndarray, births: list[date] | None = None) -> list[str]:
        """Given names by era and gender (one character or two)."""
        rng = self.rng
        years = np.array([b.year for b in (births or self.p["birth"])])
        era = np.where(years < 1962, "old", np.where(years < 1988, "mid", "young"))
        out = np.empty(len(male), dtype=object)
        for (e, g), (firsts, seconds) in _GIVEN.items():
            idx = np.flatnonzero((era == e) & (male == g))
            one = rng.choice(list(firsts), idx.size)
            two = rng.choice(list(seconds), idx.size)
            single = rng.random(idx.size) < _SINGLE_GIVEN_SHARE[e]
            out[idx] = np.where(single, two, np.char.add(one, two))
        return list(out)

    def _generation_names(self, given: list[str], male: np.ndarray) -> list[str]:
        """Brothers (or sisters) often share the first character of the given name (字辈)."""
        rng, out = self.rng, list(given)
        by_parent = defaultdict(list)
        for q, par in enumerate(self.p["parent"]):
            if par >= 0 and len(out[q]) == 2:
                by_parent[par, bool(male[q])].append(q)
        for sibs in by_parent.values():
            if len(sibs) > 1 and rng.random() < 0.5:
                for q in sibs[1:]:
                    out[q] = out[sibs[0]][0] + out[q][1]
        return list(out)

    def _mongol_names(self, mongol_name, fam, lineage, male) -> None:
        """Mongolian names; a clan name shared along the lineage for some families."""
        rng, p = self.rng, self.p
        n = len(fam)
        clan_names = [c for c, _ in _CLANS]
        clan_idx = _weighted(rng, clan_names, [w for _, w in _CLANS], fam.max() + 1)
        fam_has = rng.random(fam.max() + 1) < 0.35
        own = _weighted(rng, clan_names, [w for _, w in _CLANS], n)
        own_has = rng.random(n) < 0.3
        p["mtok"], p["clan"] = [()] * n, [""] * n
        p["clan_hukou"] = list(rng.random(n) < 0.55)
        for q in np.flatnonzero(mongol_name):
            p["mtok"][q] = _mongol_tokens(rng, bool(male[q]))
            has = fam_has[fam[q]] if lineage[q] else own_has[q]
            base_len = len(self._mongol_text(q))
            if has:
                clan = clan_names[clan_idx[fam[q]] if lineage[q] else own[q]]
                if (len(clan) == 1 and base_len <= 6) or base_len <= 4:
                    p["clan"][q] = clan

    def _mongol_text(self, q: int) -> str:
        return "".join(_MONGOL_TOKENS[t][0][0] for t in self.p["mtok"][q])

    def _ids(self) -> None:
        """18-digit IDs with valid check digits, unique across the county."""
        rng, reg, p = self.rng, self.region, self.p
        n = len(p["hh"])
        birth = np.array(p["birth"], dtype="datetime64[D]")
        years = birth.astype("datetime64[Y]").astype(int) + 1970
        codes = np.full(n, reg.code, dtype="<U6")
        if reg.old_codes:
            old = (years < 1997) & (rng.random(n) < 0.35)
            codes[old] = rng.choice(reg.old_codes, old.sum())
        rel = np.array(p["rel"])
        married_in = ~np.array(p["lineage"]) & np.isin(rel, ["配偶", "儿媳", "母亲"])
        moved = married_in & (rng.random(n) < 0.3)
        codes[moved] = rng.choice(reg.outside_codes, moved.sum())
        ymd = np.char.replace(np.datetime_as_string(birth, unit="D"), "-", "")
        p["id18"] = self._unique_ids(codes, ymd, np.array(p["male"]))

    def _unique_ids(self, codes, ymd, male) -> list[str]:
        """Draw sequence digits (odd for men) until every ID is unique, then add check digits."""
        rng = self.rng
        seq = rng.integers(0, 500, len(codes)) * 2 + male.astype(int)
        bodies = np.char.add(np.char.add(codes, ymd), np.char.zfill(seq.astype(str), 3))
        while True:
            _, first = np.unique(bodies, return_index=True)
            dup = np.setdiff1d(np.arange(len(bodies)), first)
            if dup.size == 0:
                break
            seq[dup] = rng.integers(0, 500, dup.size) * 2 + male[dup].astype(int)
            redo = np.char.add(
                np.char.add(codes[dup], ymd[dup]), np.char.zfill(seq[dup].astype(str), 3)
            )
            bodies[dup] = redo
        return list(np.char.add(bodies, _check_chars(bodies)))

    def _phones(self) -> None:
        """Own mobiles for most adults; a household contact number for the rest."""
        rng, p = self.rng, self.p
        n = len(p["hh"])
        age = np.array(p["age"])
        share = np.where(age < 18, 0.0, np.where(age <= 70, 0.85, 0.3))
        has = rng.random(n) < share
        nums = rng.integers(0, 10**8, n)
        prefix = rng.choice(_PHONE_PREFIXES, n)
        p["phone"] = [
            f"{pre}{num:08d}" if h else "" for pre, num, h in zip(prefix, nums, has, strict=True)
        ]
        contact = []
        for hh in range(len(self.h["kind"])):
            phones = [p["phone"][q] for q in self.members[hh] if p["phone"][q]]
            contact.append(phones[0] if phones else "")
        for e, son in enumerate(self.h["link"]):
            if son >= 0 and contact[son] and rng.random() < 0.6:
                contact[e] = contact[son]
        self.h["phone"] = contact

    def _health(self) -> None:
        """Illness, disability certificates and deaths."""
        rng, p = self.rng, self.p
        n = len(p["hh"])
        age = np.array(p["age"])
        grave_p = 0.003 + 0.012 * (age >= 45) + 0.02 * (age >= 65)
        chronic_p = 0.02 + 0.10 * (age >= 45) + 0.18 * (age >= 65)
        u = rng.random(n)
        health = np.where(
            u < grave_p, "患有大病", np.where(u < grave_p + chronic_p, "长期慢性病", "健康")
        ).astype(object)
        cert_p = np.select([age < 18, age < 60, age < 80], [0.006, 0.022, 0.055], 0.09)
        has_cert = rng.random(n) < cert_p
        types = np.array([t for t, _ in _DISABILITY_TYPES], dtype=object)[
            _weighted(rng, _DISABILITY_TYPES, [w for _, w in _DISABILITY_TYPES], n)
        ]
        mental = np.isin(types, SEVERE_ANY_LEVEL_TYPES)
        level = (
            np.where(
                mental,
                _weighted(rng, range(4), (0.1, 0.35, 0.35, 0.2), n),
                _weighted(rng, range(4), (0.12, 0.2, 0.3, 0.38), n),
            )
            + 1
        )
        level = np.where(has_cert, level, 0)
        severe = has_cert & ((level <= 2) | mental)
        relabel = has_cert & (health != "患有大病") & (rng.random(n) < 0.75)
        health[relabel] = "残疾"
        p["health"] = list(health)
        p["dis_type"] = list(np.where(has_cert, types, ""))
        p["dis_level"] = [int(x) for x in level]
        p["severe"] = list(severe)
        p["death"] = self._deaths(age, health, severe)
        p["dis_issue"] = self._issue_dates(has_cert)
        p["cert_listed"] = [
            bool(c) and (d is None or rng.random() < 0.7)
            for c, d in zip(has_cert, p["death"], strict=True)
        ]

    def _deaths(self, age, health, severe) -> list[date | None]:
        """Gompertz-like mortality over the death-register window."""
        rng = self.rng
        q = np.minimum(0.5, 0.00022 * np.exp(0.088 * (age - 20)))
        mult = 1 + 3 * (health == "患有大病") + 0.5 * (health == "长期慢性病") + 0.8 * severe
        span = (self.as_of - self.death_start).days
        dies = rng.random(len(age)) < 1 - np.exp(-q * mult * span / 365.25)
        offsets = rng.integers(0, span + 1, len(age))
        out: list[date | None] = []
        for q_, (d, off) in enumerate(zip(dies, offsets, strict=True)):
            when = self.death_start + timedelta(days=int(off))
            out.append(max(when, self.p["birth"][q_] + timedelta(days=1)) if d else None)
        return out

    def _issue_dates(self, has_cert) -> list[date | None]:
        """Certificates issued since 2008, after the first birthday and before death."""
        out: list[date | None] = []
        floor = date(2008, 1, 1)
        for q, c in enumerate(has_cert):
            if not c:
                out.append(None)
                continue
            lo = max(self.p["birth"][q] + timedelta(days=365), floor)
            hi = (self.p["death"][q] or self.as_of) - timedelta(days=30)
            out.append(self._between(lo, max(lo, hi)))
        return out

    # ----------------------------------------------------------------- helpers on people
    def _between(self, lo: date, hi: date) -> date:
        span = (hi - lo).days
        return lo + timedelta(days=int(self.rng.integers(0, span + 1))) if span > 0 else lo

    def _day_in(self, m: int) -> date:
        return self._between(_month_start(m), min(_month_end(m), self.as_of))

    def _month_in(self, lo: int, hi: int) -> int | None:
        """A month in [lo, hi), or None when the range is empty."""
        return int(self.rng.integers(lo, hi)) if lo < hi else None

    def _history_end(self, hh: int) -> int:
        """The last month any member of the household was on a roster (0 if never)."""
        ends = [
            self.as_of_m if r.end is None else _m(r.end)
            for q in self.members.get(hh, [])
            for r in self.rows_by_pid.get(q, [])
        ]
        return max(ends, default=0)

    def _alive(self, q: int, when: date | None = None) -> bool:
        d = self.p["death"][q]
        return d is None or (when is not None and d > when)

    def _age_at(self, q: int, when: date) -> float:
        return (when - self.p["birth"][q]).days / 365.25

    def _gravely(self, q: int) -> bool:
        """Severely disabled or gravely ill: may be enrolled on his own (单人户保障)."""
        return bool(self.p["severe"][q]) or self.p["health"][q] == "患有大病"

    def _living(self, hh: int) -> list[int]:
        return [q for q in self.members.get(hh, []) if self._alive(q)]

    def _loc(self, hh: int) -> tuple:
        h = self.h
        return (h["twp"][hh], h["vil"][hh], h["grp"][hh], h["court"][hh], h["house"][hh])

    def _relation(self, q: int, head: int) -> str:
        """Relation of q to head, from kinship links."""
        if q == head:
            return "户主"
        sp, par, male = self.p["spouse"], self.p["parent"], self.p["male"][q]
        pair = {head} | ({sp[head]} if sp[head] >= 0 else set())
        if sp[q] == head:
            return "配偶"
        if par[q] in pair:
            return "子" if male else "女"
        if par[head] == q or (par[head] >= 0 and sp[par[head]] == q):
            return "父亲" if male else "母亲"
        if sp[q] >= 0 and par[sp[q]] in pair:
            return "女婿" if male else "儿媳"
        if par[q] >= 0 and par[par[q]] in pair:
            return "孙子" if male else "孙女"
        return "其他"

    def _relative(self, q: int) -> int:
        """Someone whose ID could be typed into q's row by mistake."""
        mates = [x for x in self.members.get(self.p["hh"][q], []) if x != q]
        if mates:
            return mates[0]
        return self.p["spouse"][q]

    def _name(self, q: int) -> str:
        """The hukou spelling of q's name."""
        if self.p["mongol"][q]:
            clan = self.p["clan"][q] if self.p["clan_hukou"][q] else ""
            return clan + self._mongol_text(q)
        return self.p["surname"][q] + self.p["given"][q]

    def _new_person(self, **values) -> int:
        """Append a person (a ghost who lived elsewhere, or one who moved out)."""
        q = len(self.p["hh"])
        defaults = {
            "fam": -1,
            "hh": -1,
            "rel": "户主",
            "age": 50.0,
            "male": True,
            "lineage": True,
            "parent": -1,
            "spouse": -1,
            "birth": date(1970, 1, 1),
            "away": False,
            "ghost": True,
            "surname": "",
            "given": "",
            "mongol": False,
            "eth": "汉族",
            "mtok": (),
            "clan": "",
            "clan_hukou": False,
            "id18": "",
            "phone": "",
            "health": "健康",
            "dis_type": "",
            "dis_level": 0,
            "severe": False,
            "death": None,
            "dis_issue": None,
            "cert_listed": False,
        }
        defaults.update(values)
        for key, column in self.p.items():
            column.append(defaults[key])
        return q

    # ----------------------------------------------------------------- household features
    def _features(self) -> dict[str, np.ndarray]:
        """Per household counts over the living members."""
        p = self.p
        real = ~np.array(p["ghost"])
        hh = np.array(p["hh"])[real]
        alive = np.array([d is None for d in p["death"]])[real]
        age = np.array(p["age"])[real]
        health = np.array(p["health"], dtype=object)[real]
        severe = np.array(p["severe"])[real]
        away = np.array(p["away"])[real]
        grave = health == "患有大病"
        labor = (age >= 18) & (age < 60) & ~away & ~severe & ~grave
        n_hh = len(self.h["kind"])

        def count(mask):
            return np.bincount(hh, weights=(alive & mask).astype(float), minlength=n_hh)

        return {
            "alive": count(np.ones_like(alive)),
            "severe": count(severe),
            "grave": count(grave),
            "chronic": count(health == "长期慢性病"),
            "labor": count(labor),
            "young": count(age < 60),
            "old": count(age >= 60),
        }

    # ----------------------------------------------------------------- poverty register
    def _poverty_register(self) -> None:
        """建档立卡 households, weighted towards illness, disability and lack of labour."""
        rng, reg = self.rng, self.region
        f = self._features()
        w = (
            1
            + 2 * (f["severe"] > 0)
            + 1.5 * (f["grave"] > 0)
            + (f["young"] == 0)
            + (f["labor"] == 0)
            + 0.5 * (f["chronic"] > 0)
        ) * (f["alive"] > 0)
        prob = np.minimum(0.9, reg.poverty_share * w / w[f["alive"] > 0].mean())
        statuses = ("已脱贫", "脱贫监测户", "边缘户", "未脱贫")
        for hh in np.flatnonzero(rng.random(len(prob)) < prob):
            status = statuses[_weighted(rng, statuses, (0.86, 0.06, 0.05, 0.03))]
            self.poverty[int(hh)] = _Poverty(
                self._poverty_no(int(hh)), status, self._poverty_income(status), self._cause(f, hh)
            )
        log.info("poverty register: %d households", len(self.poverty))

    def _poverty_no(self, hh: int) -> str:
        twp = self.h["twp"][hh]
        self.serial["poverty", twp] += 1
        return f"{self.region.code}{twp + 1:02d}{self.serial['poverty', twp]:06d}"

    def _poverty_income(self, status: str) -> float:
        """Income per person per year; a few lifted households remain below the standard."""
        rng = self.rng
        if status == "已脱贫":
            if rng.random() < 0.05:
                return round(rng.uniform(3000, 4490), 2)
            return round(4600 + rng.lognormal(8.3, 0.55), 2)
        if status == "未脱贫":
            return round(rng.uniform(2000, 4400), 2)
        return round(rng.uniform(3500, 9000), 2)

    def _cause(self, f, hh) -> str:
        """主要致贫原因 from the household's situation."""
        if f["severe"][hh] > 0:
            return "因残"
        if f["grave"][hh] + f["chronic"][hh] > 0 and self.rng.random() < 0.7:
            return "因病"
        if f["labor"][hh] == 0:
            return "缺劳力"
        options = ("缺技术", "缺资金", "因学", "自身发展动力不足", "因灾")
        return options[self.rng.integers(len(options))]

    # ----------------------------------------------------------------- enrolment
    def _enrol(self) -> None:
        """Background 低保 and 特困 cases, active and long ended."""
        rng = self.rng
        f = self._features()
        pov = np.zeros(len(f["alive"]))
        for hh, rec in self.poverty.items():
            pov[hh] = 0.30 if rec.status in POOR_STATUSES else 0.12
        score = (
            0.015
            + pov
            + 0.25 * (f["severe"] > 0)
            + 0.2 * (f["grave"] > 0)
            + 0.06 * (f["chronic"] > 0)
            + 0.08 * (f["young"] == 0)
            + 0.06 * (f["labor"] == 0)
        )
        lone = np.array([self._lone(hh) for hh in range(len(score))])
        score = score + 0.12 * lone
        ever = rng.random(len(score)) < np.minimum(0.85, score * self.region.dibao_factor)
        for hh in np.flatnonzero(ever):
            self._enrol_household(int(hh), f)
        log.info("background enrolment: %d cases, %d rows", len(self.cases), len(self.rows))

    def _enrol_household(self, hh: int, f) -> None:
        """Open an active or a long-ended case for a household chosen for enrolment."""
        rng = self.rng
        program = "特困" if self._lone(hh) and rng.random() < 0.5 else "低保"
        gravely = f["severe"][hh] + f["grave"][hh] > 0
        p_active = 0.85 if gravely else 0.6 if hh in self.poverty else 0.72
        if rng.random() < p_active:
            start = self._day_in(self._start_month())
            self._open_case(hh, program, start)
            return
        start_m = self._start_month(ended=True)
        last = min(start_m + int(rng.integers(12, 85)), self.as_of_m - 3)
        if rng.random() < 0.7:
            last = min(last, self.as_of_m - 24)
        if last > start_m:
            self._open_case(hh, program, self._day_in(start_m), self._day_in(last))

    def _lone(self, hh: int) -> bool:
        """A household of one elder or one severely disabled person: a 特困 candidate."""
        members = self.members.get(hh, [])
        return len(members) == 1 and (
            self.p["age"][members[0]] >= 60 or bool(self.p["severe"][members[0]])
        )

    def _start_month(self, ended: bool = False) -> int:
        """A case start month, most of them in the years of the poverty campaign."""
        rng = self.rng
        if ended:
            years, w = range(2011, 2021), (2, 3, 4, 6, 7, 8, 7, 5, 3, 2)
        else:
            years, w = range(2012, 2025), (2, 3, 4, 6, 7, 8, 8, 7, 6, 4, 4, 4, 3)
        year = list(years)[_weighted(rng, years, w)]
        return min(year * 12 + int(rng.integers(0, 12)), self.as_of_m - 1)

    def _open_case(
        self,
        hh: int,
        program: str,
        start: date,
        end: date | None = None,
        pids: list[int] | None = None,
        *,
        base_cls: str | None = None,
        income: float | None = None,
        loc: tuple | None = None,
        site: str = "",
        bank: str | None = None,
        payee: int | None = None,
    ) -> _Case | None:
        """Open a case for (some of) a household's members; None if nobody qualifies."""
        pids = self.members[hh] if pids is None else pids
        stop = end or self.as_of
        live = [q for q in pids if self.p["birth"][q] < stop and self._alive(q, start)]
        if not live:
            return None
        head = next((q for q in live if self._age_at(q, start) >= 18), live[0])
        base = base_cls or "ABC"[_weighted(self.rng, "ABC", (0.2, 0.35, 0.45))]
        loc = loc or self._loc(hh)
        case = _Case(
            self._case_no(program, loc[0]),
            program,
            hh,
            loc,
            head if payee is None else payee,
            bank or self._bank(),
            self._income(end) if income is None else income,
            start,
            self.h["phone"][hh] if hh >= 0 else "",
            site,
        )
        rows = [r for q in live if (r := self._member_row(case, q, head, base, len(live), end))]
        if not rows:
            return None
        if not any(r.covered for r in rows):
            rows[0].covered = True
        self.cases[case.no] = case
        for r in rows:
            self._add_row(r)
        return case

    def _member_row(
        self, case: _Case, q: int, head: int, base: str, size: int, end: date | None
    ) -> _Row | None:
        """A member's row: starts with the case (or after birth), ends with it or at death."""
        rng = self.rng
        start = max(case.start, self.p["birth"][q] + timedelta(days=int(rng.integers(30, 120))))
        stop = self._row_end(q, end)
        if start > (end or self.as_of) or (stop is not None and stop < start):
            return None
        cls = "" if case.program == "特困" else self._member_class(q, base)
        return _Row(
            case.no, q, cls, self._is_covered(q, size), start, stop, self._relation(q, head)
        )

    def _row_end(self, q: int, end: date | None) -> date | None:
        """A row ends with its case, or in the month of death or the month after."""
        death = self.p["death"][q]
        if death is None or (end is not None and end <= death):
            return end
        dm = _m(death)
        if self.rng.random() < 0.55 or dm + 1 > self.as_of_m:
            return death
        return self._day_in(dm + 1)

    def _member_class(self, q: int, base: str) -> str:
        if self._gravely(q):
            return "A"
        if self.p["age"][q] >= 70 and base == "C":
            return "B"
        return base

    def _is_covered(self, q: int, size: int) -> bool:
        """Not every member is covered: able adults and people living away often are not."""
        if self._gravely(q) or size == 1:
            return True
        if self.p["away"][q]:
            return False
        age, u = self.p["age"][q], self.rng.random()
        if age < 18:
            return u < 0.9
        if age >= 60:
            return u < 0.95
        return u < (0.55 if size >= 3 else 0.8)

    def _income(self, end: date | None) -> float:
        """Monthly income per person; ended cases keep the old (low) figure."""
        rng = self.rng
        if end is not None:
            return round(rng.uniform(110, 330), 1)
        u = rng.random()
        if u < 0.12:
            return 0.0
        return round(rng.uniform(40, 370) if u < 0.9 else rng.uniform(380, 480), 1)

    def _case_no(self, program: str, twp: int) -> str:
        key = ("case", program, twp)
        self.serial[key] += 1
        tag = "DB" if program == "低保" else "TK"
        return f"{self.region.code}{tag}{twp + 1:02d}{self.serial[key]:05d}"

    def _bank(self) -> str:
        return f"{self.region.bank_bin}{int(self.rng.integers(10**14, 10**15))}"

    def _add_row(self, row: _Row) -> None:
        self.rows.append(row)
        self.rows_by_case[row.case].append(row)
        self.rows_by_pid[row.pid].append(row)

    def _drop_row(self, row: _Row) -> None:
        self.rows.remove(row)
        self.rows_by_case[row.case].remove(row)
        self.rows_by_pid[row.pid].remove(row)

    def _active_rows(self, q: int, m: int | None = None) -> list[_Row]:
        m = self.as_of_m if m is None else m
        return [r for r in self.rows_by_pid.get(q, []) if r.active(m)]

    def _hh_cases(self, hh: int, program: str | None = None, active: bool = True) -> list[str]:
        """Case numbers holding rows of the household's members."""
        out = []
        for q in self.members.get(hh, []):
            for r in self.rows_by_pid.get(q, []):
                prog = self.cases[r.case].program
                wanted = program is None or prog == program
                if wanted and (not active or r.active(self.as_of_m)) and r.case not in out:
                    out.append(r.case)
        return out

    # ----------------------------------------------------------------- background repair
    def _cover_background(self) -> None:
        """Enrol every severely disabled poor person, so the background has no misses."""
        misses = self._missed()
        for q, _ in misses:
            self._cover(q)
        left = self._missed()
        log.info("covered %d background misses (%d left)", len(misses), len(left))

    def _cover(self, q: int) -> None:
        """Cover a severely disabled person: in his row, his family's case, or a case of his own."""
        rng = self.rng
        rows = [r for r in self._active_rows(q) if not r.covered]
        if rows:
            rows[0].covered = True
            rows[0].cls = "A" if rows[0].cls else ""
            return
        hh = self.p["hh"][q]
        lo = max(_m(self.p["dis_issue"][q]) + 1, 2014 * 12, self._history_end(hh) + 1)
        start = self._day_in(int(rng.integers(min(lo, self.as_of_m - 1), self.as_of_m)))
        family = self._hh_cases(hh, "低保")
        if family:
            case = self.cases[family[0]]
            head = case.payee
            start = max(start, case.start)
            self._add_row(_Row(case.no, q, "A", True, start, None, self._relation(q, head)))
        elif len(self._living(hh)) == 1:
            self._open_case(hh, "特困" if rng.random() < 0.6 else "低保", start, pids=[q])
        elif rng.random() < 0.6:
            self._open_case(hh, "低保", start)
        else:
            self._open_case(hh, "低保", start, pids=[q], base_cls="A")

    # ----------------------------------------------------------------- choosing
    def _shuffled(self, items) -> list:
        items = list(items)
        return [items[i] for i in self.rng.permutation(len(items))]

    def _free(self, *hhs: int) -> bool:
        return not any(h in self.used_hh for h in hhs)

    def _claim(self, hhs=(), pids=()) -> None:
        self.used_hh.update(hhs)
        self.used_pid.update(pids)
        for hh in hhs:
            self.used_pid.update(self.members.get(hh, []))

    def _record(self, target: list, kind: str, refs: list, note: str, key=None) -> None:
        target.append(_Finding(kind, refs, note, key))

    def _case_refs(self, case_nos, hhs=None) -> list:
        """Assistance references to the rows of some cases (optionally only some households)."""
        refs = []
        for no in case_nos:
            for r in self.rows_by_case[no]:
                if hhs is None or self.p["hh"][r.pid] in hhs:
                    refs.append(("assistance", r))
        return refs

    # ----------------------------------------------------------------- controls
    def _inject_controls(self) -> None:
        """Look-alikes that are not cases."""
        n = self.people
        for kind, fn in (
            ("legit_separate_household", self._legit_separate),
            ("legit_single_person", self._legit_single),
            ("stale_income", self._stale_income),
            ("cross_hukou_split", self._cross_hukou_split),
            ("wrong_death_notice", self._wrong_death_notice),
            ("death_within_grace", self._death_within_grace),
        ):
            want = self.params.target(kind, n)
            made = fn(want)
            if made < want:
                log.warning("control %s: made %d of %d", kind, made, want)

    def _active_dibao(self, hh: int, start_hi: int) -> str | None:
        """The household's active 低保 case, opening one if it has none."""
        cases = self._hh_cases(hh, "低保")
        if cases:
            return cases[0]
        if self._hh_cases(hh):
            return None
        start_m = self._month_in(max(2016 * 12, start_hi - 72, self._history_end(hh) + 1), start_hi)
        if start_m is None:
            return None
        case = self._open_case(hh, "低保", self._day_in(start_m))
        return case.no if case else None

    def _legit_separate(self, want: int) -> int:
        """Elderly parents on their own 户号 next door to the son; both households on 低保."""
        made = 0
        for elder, son in self._shuffled((e, s) for e, s in enumerate(self.h["link"]) if s >= 0):
            if made >= want:
                break
            if not (self._free(elder, son) and self._living(elder) and self._living(son)):
                continue
            if any(self._gravely(q) for q in self._living(elder) + self._living(son)):
                continue
            c_son = self._active_dibao(son, self.as_of_m - 6)
            c_old = self._active_dibao(elder, self.as_of_m - 3)
            if not (c_son and c_old):
                continue
            if self.rng.random() < 0.4:
                self.cases[c_old].bank = self.cases[c_son].bank
            self._claim((elder, son))
            note = (
                f"户号 {self.h['hukou_no'][elder]} (parents) and {self.h['hukou_no'][son]} "
                "(son): same courtyard, often the same phone or account; separate households"
            )
            self._record(
                self.controls,
                "legit_separate_household",
                self._case_refs([c_son, c_old]),
                note,
                (elder, son),
            )
            made += 1
        return made

    def _legit_single(self, want: int) -> int:
        """A severely disabled or gravely ill member on his own case beside the family case."""
        made = 0
        for hh in self._shuffled(range(len(self.h["kind"]))):
            if made >= want:
                break
            living = self._living(hh)
            if not self._free(hh) or len(living) < 3 or self._hh_cases(hh, "特困"):
                continue
            single = [q for q in living[1:] if self._gravely(q)]
            others = [q for q in living if q not in single]
            if len(single) != 1 or any(self._gravely(q) for q in others):
                continue
            if self._single_out(hh, single[0], others):
                made += 1
        return made

    def _single_out(self, hh: int, q: int, others: list[int]) -> bool:
        """Move q out of (or beside) the family 低保 case into a single-person case."""
        rng = self.rng
        family = self._hh_cases(hh, "低保")
        if len(family) > 1:
            return False
        if family:
            mine = [r for r in self._active_rows(q) if r.case == family[0]]
            rest = [r for x in others for r in self._active_rows(x) if r.case == family[0]]
            if not mine or not rest or len(self._hh_cases(hh, active=False)) > 1:
                return False
            c1 = family[0]
            m = self._month_in(max(_m(mine[0].start) + 6, self.as_of_m - 60), self.as_of_m - 1)
            if m is None:
                return False
            mine[0].end = _month_end(m - 1)
        else:
            if self._hh_cases(hh, active=False):
                return False
            m = int(rng.integers(self.as_of_m - 60, self.as_of_m - 6))
            case = self._open_case(hh, "低保", self._day_in(m), pids=others)
            if case is None:
                return False
            c1 = case.no
        single = self._open_case(
            hh, "低保", self._day_in(m), pids=[q], base_cls="A", income=self.cases[c1].income
        )
        if single is None:
            return False
        self._claim((hh,))
        why = "severely disabled" if self.p["severe"][q] else "患有大病"
        note = f"{self._name(q)} ({why}) enrolled alone (单人户保障) beside family case {c1}"
        self._record(
            self.controls, "legit_single_person", self._case_refs([c1, single.no]), note, hh
        )
        return True

    def _stale_income(self, want: int) -> int:
        """A case that ended years ago keeps its low income; the household is no longer poor."""
        made = 0
        rng = self.rng
        for q in self._shuffled(self._severe_living()):
            if made >= want:
                break
            hh = self.p["hh"][q]
            pov = self.poverty.get(hh)
            if not self._free(hh) or self._hh_cases(hh, active=False):
                continue
            if pov and (pov.status != "已脱贫" or pov.income < self.std):
                continue
            start_m = int(rng.integers(2013 * 12, 2018 * 12))
            end_m = int(rng.integers(start_m + 12, min(start_m + 72, self.as_of_m - 24)))
            case = self._open_case(
                hh,
                "低保",
                self._day_in(start_m),
                self._day_in(end_m),
                income=round(rng.uniform(100, 320), 1),
            )
            if case is None or not self.rows_by_pid.get(q):
                continue
            if pov is None:
                self.poverty[hh] = pov = _Poverty(self._poverty_no(hh), "已脱贫", 0.0, "因残")
            pov.status, pov.income = "已脱贫", round(rng.uniform(5200, 16000), 2)
            self._claim((hh,))
            note = (
                f"{self._name(q)}: case {case.no} ended {self._case_end(case)} with income "
                f"{case.income}/month; 建档立卡 已脱贫 at {pov.income}/year"
            )
            refs = [("disability", q), ("poverty", q), *self._case_refs([case.no], {hh})]
            self._record(self.controls, "stale_income", refs, note, q)
            made += 1
        return made

    def _case_end(self, case: _Case) -> str:
        """The last end date of a case's rows, for notes."""
        ends = [r.end for r in self.rows_by_case[case.no] if r.end]
        return max(ends).isoformat() if ends else "-"

    def _severe_living(self) -> list[int]:
        p = self.p
        return [
            q
            for q in range(len(p["hh"]))
            if p["severe"][q]
            and p["death"][q] is None
            and p["cert_listed"][q]
            and not p["ghost"][q]
        ]

    def _cross_hukou_split(self, want: int) -> int:
        """A son moved to his own 户号 and his own case, paid into the parents' account."""
        made = 0
        for hh in self._shuffled(
            i for i, k in enumerate(self.h["kind"]) if k == "three_generation"
        ):
            if made >= want:
                break
            living = self._living(hh)
            if (
                not self._free(hh)
                or hh in self.poverty
                or len(living) != len(self.members[hh])
                or any(self._gravely(q) for q in living)
                or self._hh_cases(hh, "特困")
            ):
                continue
            son = next(
                (q for q in living if self.p["rel"][q] == "子" and self.p["spouse"][q] >= 0), None
            )
            if son is None or len(self._hh_cases(hh, active=False)) > 1:
                continue
            if self._move_out(hh, son):
                made += 1
        return made

    def _move_out(self, hh: int, son: int) -> bool:
        """Give the son's family its own 户号 and case, paid into the parents' account."""
        rng = self.rng
        family = [son, self.p["spouse"][son]] + [
            q for q in self.members[hh] if self.p["parent"][q] == son
        ]
        parents = [q for q in self.members[hh] if q not in family]
        c1 = self._active_dibao(hh, self.as_of_m - 30)
        if c1 is None or not parents:
            return False
        m = self._month_in(max(_m(self.cases[c1].start) + 6, self.as_of_m - 24), self.as_of_m - 2)
        if m is None:
            return False
        for q in family:
            for r in self._active_rows(q):
                r.end = _month_end(m - 1)
        new_hh = self._split_hukou(hh, family, son)
        father = parents[0]
        c2 = self._open_case(
            new_hh,
            "低保",
            self._day_in(m),
            bank=self.cases[c1].bank,
            payee=father if rng.random() < 0.5 else None,
        )
        if c2 is None:
            return False
        self._claim((hh, new_hh))
        note = (
            f"{self._name(son)} moved to 户号 {self.h['hukou_no'][new_hh]} and case {c2.no}, "
            f"paid into the account of case {c1} (户号 {self.h['hukou_no'][hh]})"
        )
        self._record(
            self.controls, "cross_hukou_split", self._case_refs([c1, c2.no]), note, (hh, new_hh)
        )
        return True

    def _split_hukou(self, hh: int, family: list[int], head: int) -> int:
        """Register part of a household on a new 户号 at the same address."""
        new_hh = len(self.h["kind"])
        for key, column in self.h.items():
            column.append(
                {
                    "kind": "moved_out",
                    "link": -1,
                    "hukou_no": self._hukou_no(self.h["vil"][hh]),
                }.get(key, column[hh])
            )
        for q in family:
            self.p["hh"][q] = new_hh
        for q in family:
            self.p["rel"][q] = self._relation(q, head)
        self.members[hh] = [q for q in self.members[hh] if q not in family]
        self.members[new_hh] = sorted(
            family, key=lambda q: (_REL_RANK.get(self.p["rel"][q], 6), -self.p["age"][q])
        )
        return new_hh

    def _wrong_death_notice(self, want: int) -> int:
        """A living, paid person that a death notice seems to point at."""
        made = 0
        variants = ("namesake", "relative", "mistyped")
        for q in self._shuffled(self._paid_living()):
            if made >= want:
                break
            hh = self.p["hh"][q]
            if not self._free(hh):
                continue
            kind = variants[made % 3]
            refs = self._false_death(q, kind)
            if refs is None:
                continue
            self._claim((hh,))
            made += 1
        return made

    def _paid_living(self) -> list[int]:
        """Living adults with one row, active, covered and open for at least six months."""
        out = []
        for q, rows in self.rows_by_pid.items():
            act = [r for r in rows if r.active(self.as_of_m) and r.covered]
            if (
                len(rows) == 1
                and act
                and self._alive(q)
                and self.p["age"][q] >= 30
                and _m(rows[0].start) <= self.as_of_m - 6
                and rows[0].end is None
            ):
                out.append(q)
        return sorted(out)

    def _false_death(self, q: int, kind: str) -> list | None:
        """Make a notice of someone else's death that carries q's name or ID."""
        if kind == "relative":
            late = _month_start(self.as_of_m - 3)
            dead = [
                x
                for x in self.members[self.p["hh"][q]]
                if x != q
                and x not in self.used_pid
                and self.p["death"][x] is not None
                and self.death_start <= self.p["death"][x] < late
            ]
            if not dead:
                return None
            x, when, evidence = dead[0], self.p["death"][dead[0]], ""
            self.notice_plan[x] = {"sources": ["殡葬"], "id_of": q}
            how = f"the notice of {self._name(x)}, a relative, carries {self._name(q)}'s ID"
        else:
            when, evidence = self._false_death_date(q, self._active_rows(q)[0])
            x = self._ghost_like(q, same_name=kind == "namesake", when=when)
            if kind == "namesake" and self.rng.random() < 0.6:
                self.notice_plan[x] = {"sources": ["公安"], "with_id": False}
                how = "a namesake from the same township died; 公安 notice without ID"
            else:
                self.notice_plan[x] = {"sources": ["殡葬"], "id_of": q}
                who = "a namesake" if kind == "namesake" else self._name(x)
                how = f"the notice of {who} (from outside the county) was typed with this ID"
        note = f"{self._name(q)} alive and paid; {how} ({when.isoformat()})" + (
            f"; evidence of life: {evidence}" if evidence else ""
        )
        refs = [("deaths", x), *[("assistance", r) for r in self._active_rows(q)]]
        if evidence.startswith("disability"):
            refs.append(("disability", q))
        self._record(self.controls, "wrong_death_notice", refs, note, q)
        return refs

    def _false_death_date(self, q: int, row: _Row) -> tuple[date, str]:
        """A death date before later signs of life when possible."""
        hi = _month_end(self.as_of_m - 4)
        if self.p["cert_listed"][q] and self.rng.random() < 0.5:
            when = self._between(self.death_start, min(hi, self.as_of - timedelta(days=240)))
            self.p["dis_issue"][q] = self._between(
                when + timedelta(days=20), min(when + timedelta(days=200), self.as_of)
            )
            return when, f"disability certificate issued {self.p['dis_issue'][q]}"
        if row.start > self.death_start + timedelta(days=45):
            when = self._between(self.death_start, row.start - timedelta(days=15))
            return when, f"enrolled {row.start} after the notice"
        return self._between(max(self.death_start, row.start), hi), ""

    def _ghost_like(self, q: int, *, same_name: bool, when: date) -> int:
        """A person from outside every register who died; a namesake of q if asked."""
        rng, p = self.rng, self.p
        birth = p["birth"][q] + timedelta(days=int(rng.integers(-7000, 7000)))
        birth = min(birth, when - timedelta(days=6000))
        x = self._ghost(bool(p["male"][q]), birth, when, p["hh"][q])
        p["eth"][x] = p["eth"][q]
        if same_name:
            self._copy_name(q, x)
        return x

    def _ghost(self, male: bool, birth: date, death: date, near_hh: int) -> int:
        """A dead person whose hukou is not in this county (or was closed long ago)."""
        rng, reg = self.rng, self.region
        hh = len(self.h["kind"])
        for key, column in self.h.items():
            column.append({"kind": "ghost", "link": -1, "hukou_no": ""}.get(key, column[near_hh]))
        code = reg.outside_codes[rng.integers(len(reg.outside_codes))]
        body = f"{code}{birth:%Y%m%d}{int(rng.integers(0, 500)) * 2 + int(male):03d}"
        sur = reg.han_surnames[_weighted(rng, reg.han_surnames, _surname_weights(reg.han_surnames))]
        given = self._given_names(np.array([male]), [birth])[0]
        mongol = rng.random() < reg.mongolian_households * 0.88
        return self._new_person(
            hh=hh,
            male=male,
            birth=birth,
            death=death,
            id18=_with_check(body),
            surname=sur,
            given=given,
            mongol=mongol,
            mtok=_mongol_tokens(rng, male) if mongol else (),
            eth="蒙古族" if mongol else "汉族",
            age=(self.as_of - birth).days / 365.25,
        )

    def _copy_name(self, src: int, dst: int) -> None:
        for key in ("surname", "given", "mongol", "mtok", "clan", "clan_hukou"):
            self.p[key][dst] = self.p[key][src]

    def _death_within_grace(self, want: int) -> int:
        """Covered members whose row ended in the month after death: paid within grace."""
        made = 0
        for r in self._shuffled(self._death_rows()):
            if made >= want:
                break
            hh = self.p["hh"][r.pid]
            dm = _m(self.p["death"][r.pid])
            if not self._free(hh) or dm + 1 >= self.as_of_m or dm + 1 < self.pay_start_m:
                continue
            made += self._end_in_grace(r)
        for q in self._shuffled(self._paid_living()):
            if made >= want:
                break
            row = self._active_rows(q)[0]
            lo = max(_m(row.start) + 1, self.pay_start_m)
            if self._free(self.p["hh"][q]) and self.p["age"][q] >= 55 and lo < self.as_of_m - 1:
                self._kill(q, self._day_in(int(self.rng.integers(lo, self.as_of_m - 1))))
                made += self._end_in_grace(row)
        return made

    def _kill(self, q: int, when: date) -> None:
        """Let q die on `when`; a certificate cannot have been issued after the death."""
        self.p["death"][q] = when
        issue = self.p["dis_issue"][q]
        if issue is not None and issue > when - timedelta(days=30):
            self.p["dis_issue"][q] = max(
                when - timedelta(days=30), self.p["birth"][q] + timedelta(days=1)
            )

    def _end_in_grace(self, r: _Row) -> int:
        r.end = self._day_in(_m(self.p["death"][r.pid]) + 1)
        self._claim((self.p["hh"][r.pid],))
        self._record(
            self.controls,
            "death_within_grace",
            [("assistance", r), ("deaths", r.pid)],
            self._grace_note(r),
            r.pid,
        )
        return 1

    def _grace_note(self, r: _Row) -> str:
        return (
            f"{self._name(r.pid)} died {self.p['death'][r.pid]}; last paid "
            f"{_ym(_m(r.end))}, within the {self.params.grace_months}-month grace"
        )

    def _death_rows(self) -> list[_Row]:
        """Covered rows that ended because their member died in the death window."""
        out = []
        for r in self.rows:
            d = self.p["death"][r.pid]
            if (
                r.covered
                and d is not None
                and d >= self.death_start
                and r.end is not None
                and _m(r.end) in (_m(d), _m(d) + 1)
                and len(self.rows_by_pid[r.pid]) == 1
            ):
                out.append(r)
        return out

    # ----------------------------------------------------------------- anomalies
    def _inject_anomalies(self) -> None:
        """The four contract anomalies."""
        for kind, fn in (
            ("deceased_paid", self._deceased_paid),
            ("duplicate_enrollment", self._duplicates),
            ("split_household", self._splits),
            ("missed_disability", self._missed_disabled),
        ):
            want = self.params.target(kind, self.people)
            made = fn(want)
            if made < want:
                log.warning("anomaly %s: injected %d of %d", kind, made, want)

    def _deceased_paid(self, want: int) -> int:
        """Deaths whose rows were never (or only much later) closed."""
        made = 0
        natural = [
            r
            for r in self._death_rows()
            if _m(self.p["death"][r.pid]) <= self.as_of_m - 3
            and (len(self.rows_by_case[r.case]) == 1 or self._case_active(r.case))
        ]
        for r in self._shuffled(natural):
            if made >= want:
                break
            if self._free(self.p["hh"][r.pid]) and r.pid not in self.used_pid:
                made += self._keep_paying(r)
        for q in self._shuffled(self._paid_living()):
            if made >= want:
                break
            if self._free(self.p["hh"][q]) and self.p["age"][q] >= 50:
                row = self._active_rows(q)[0]
                lo = max(_m(row.start) + 2, self.pay_start_m - 6)
                if lo < self.as_of_m - 3:
                    self._kill(q, self._day_in(int(self.rng.integers(lo, self.as_of_m - 3))))
                    made += self._keep_paying(row)
        return made

    def _keep_paying(self, r: _Row) -> int:
        """Leave a dead member's row open (or close it months late); plan the notice."""
        rng = self.rng
        q, dm = r.pid, _m(self.p["death"][r.pid])
        late = dm + int(rng.integers(3, 15))
        r.end = (
            None
            if rng.random() < 0.55 or dm + 2 < self.pay_start_m or late > self.as_of_m
            else self._day_in(late)
        )
        self._claim((self.p["hh"][q],))
        plan = self._notice_style(q)
        self.notice_plan[q] = plan
        note = f"{self._name(q)} died {self.p['death'][q]}; {plan['why']}"
        self._record(self.injected, "deceased_paid", [("assistance", r), ("deaths", q)], note, q)
        return 1

    def _notice_style(self, q: int) -> dict:
        """How the death of a still-paid member reached the register."""
        rng = self.rng
        source = ("公安", "殡葬", "卫健")[_weighted(rng, "abc", (0.5, 0.3, 0.2))]
        plan = {"sources": [source], "keep_hukou": rng.random() < 0.7}
        why = [f"{source} notice"]
        if source == "公安" and rng.random() < 0.65:
            plan.update(with_id=False, with_birth=False)
            why.append("name, gender and township only")
        if rng.random() < 0.15:
            plan["name_variant"] = True
            why.append("name written differently")
        if rng.random() < 0.2 and self._namesake(q):
            why.append("a living namesake in the same township")
        plan["why"] = ", ".join(why)
        return plan

    def _namesake(self, q: int) -> bool:
        """Rename a living person of q's township and gender to q's name."""
        twp = self.h["twp"][self.p["hh"][q]]
        for _ in range(30):
            z = int(self.rng.integers(0, self.people))
            if (
                z != q
                and z not in self.used_pid
                and self._alive(z)
                and not self.p["ghost"][z]
                and self.h["twp"][self.p["hh"][z]] == twp
                and self.p["male"][z] == self.p["male"][q]
                and self.p["age"][z] >= 18
                and self.p["mongol"][z] == self.p["mongol"][q]
            ):
                self._copy_name(q, z)
                self.used_pid.add(z)
                return True
        return False

    def _duplicates(self, want: int) -> int:
        """One person active in two cases: across townships, 低保 with 特困, or a second 低保."""
        made = 0
        hosts = self._shuffled(
            no for no, c in self.cases.items() if c.program == "低保" and self._case_active(no)
        )
        for q in self._shuffled(self._paid_living()):
            if made >= want:
                break
            hh = self.p["hh"][q]
            if not self._free(hh) or self._gravely(q) or q in self.used_pid:
                continue
            u = self.rng.random()
            if u < 0.25 and self.p["age"][q] >= 60:
                row = self._second_tekun(q)
            elif u < 0.45:
                row = self._second_single(q)
            else:
                row = self._join_host(q, hosts)
            if row is None:
                continue
            self._mark_second_row(row)
            self._claim((hh,), (q,))
            first = self._active_rows(q)[0]
            note = (
                f"{self._name(q)} in case {first.case} and, from {row.start}, case {row.case} "
                f"({self.region.townships[self.cases[row.case].loc[0]]})"
            )
            self._record(
                self.injected,
                "duplicate_enrollment",
                [("assistance", r) for r in self.rows_by_pid[q]],
                note,
                q,
            )
            made += 1
        return made

    def _case_active(self, no: str) -> bool:
        return any(r.active(self.as_of_m) for r in self.rows_by_case[no])

    def _second_start(self, q: int, lo: date) -> date:
        first = self._active_rows(q)[0]
        lo_m = max(_m(first.start), _m(lo), self.pay_start_m - 9) + 1
        return self._day_in(int(self.rng.integers(min(lo_m, self.as_of_m - 3), self.as_of_m - 2)))

    def _other_township(self, q: int) -> int:
        twp = self.h["twp"][self.p["hh"][q]]
        n_twp = 1 + max(self.h["twp"])
        return int((twp + self.rng.integers(1, n_twp)) % n_twp)

    def _second_tekun(self, q: int) -> _Row | None:
        """An elder of a family 低保 case also in 特困 care at a 敬老院."""
        twp = self._other_township(q) if self.rng.random() < 0.7 else self.h["twp"][self.p["hh"][q]]
        start = self._second_start(q, date(2000, 1, 1))
        case = self._open_case(
            self.p["hh"][q], "特困", start, pids=[q], loc=(twp, -1, 0, "", 0), site="敬老院"
        )
        return self.rows_by_case[case.no][0] if case else None

    def _second_single(self, q: int) -> _Row | None:
        """A second, single-person 低保 case registered in another township."""
        twp = self._other_township(q)
        villages = [i for i, v in enumerate(self.villages) if v[0] == twp]
        vil = villages[self.rng.integers(len(villages))]
        loc = (twp, vil, 1 + int(self.rng.integers(self.villages[vil][2])), "", 0)
        start = self._second_start(q, date(2000, 1, 1))
        case = self._open_case(self.p["hh"][q], "低保", start, pids=[q], loc=loc)
        return self.rows_by_case[case.no][0] if case else None

    def _join_host(self, q: int, hosts: list[str]) -> _Row | None:
        """q also listed as a member of another household's case (e.g. a married daughter)."""
        own_twp = self.h["twp"][self.p["hh"][q]]
        across = self.rng.random() < 0.85
        for no in hosts:
            case = self.cases[no]
            if (
                case.hh in self.used_hh
                or case.hh == self.p["hh"][q]
                or (case.loc[0] != own_twp) != across
                or len(self.rows_by_case[no]) < 2
            ):
                continue
            start = self._second_start(q, case.start)
            female = not self.p["male"][q] and 20 <= self.p["age"][q] <= 55
            row = _Row(
                no, q, "BC"[self.rng.integers(2)], True, start, None, "儿媳" if female else "其他"
            )
            if self.rng.random() < 0.3 and _m(start) + 6 <= self.as_of_m:
                row.end = self._day_in(int(self.rng.integers(_m(start) + 4, self.as_of_m + 1)))
            self._add_row(row)
            self.used_hh.add(case.hh)
            return row
        return None

    def _mark_second_row(self, row: _Row) -> None:
        """The second row is often written without an ID or with another spelling."""
        u = self.rng.random()
        row.id_mode = "blank" if u < 0.55 else ""
        row.name_variant = u >= 0.45

    def _splits(self, want: int) -> int:
        """One 户号 enrolled as two 低保 cases at the same time."""
        made = 0
        for hh in self._shuffled(range(len(self.h["kind"]))):
            if made >= want:
                break
            living = self._living(hh)
            if (
                not self._free(hh)
                or len(living) < 2
                or len(living) != len(self.members[hh])
                or any(self._gravely(q) for q in living)
                or self._hh_cases(hh, "特困", False)
            ):
                continue
            part = self._split_part(hh, living)
            if part and self._split(hh, living, part):
                made += 1
        return made

    def _split_part(self, hh: int, living: list[int]) -> list[int]:
        """Which members form the second case: a generation, or one able member."""
        rng = self.rng
        kind = self.h["kind"][hh]
        if kind == "three_generation":
            son = next((q for q in living if self.p["rel"][q] == "子"), None)
            if son is not None and rng.random() < 0.6:
                return [
                    q
                    for q in living
                    if q == son or self.p["spouse"][q] == son or self.p["parent"][q] == son
                ]
            return [q for q in living if self.p["rel"][q] in ("户主", "配偶")]
        if kind == "stem" and rng.random() < 0.6:
            return [q for q in living if self.p["rel"][q] in ("父亲", "母亲")]
        adults = [q for q in living[1:] if self.p["age"][q] >= 18]
        return [adults[rng.integers(len(adults))]] if adults else []

    def _split(self, hh: int, living: list[int], part: list[int]) -> bool:
        """Enrol `part` of the household as a second 低保 case beside the first."""
        rng = self.rng
        rest = [q for q in living if q not in part]
        if not part or not rest:
            return False
        cases = self._hh_cases(hh, active=False)
        if cases:
            c1 = cases[0]
            if len(cases) > 1 or not self._case_active(c1) or self.cases[c1].program != "低保":
                return False
            mine = [r for q in part for r in self._active_rows(q) if r.case == c1]
            stay = [r for q in rest for r in self._active_rows(q) if r.case == c1]
            if len(mine) != len(part) or not stay:
                return False
            lo = max(_m(self.cases[c1].start) + 12, self.as_of_m - 40)
            if lo >= self.as_of_m - 3:
                return False
            m = int(rng.integers(lo, self.as_of_m - 3))
            for r in mine:
                r.end = _month_end(m - 1)
        else:
            m1 = int(rng.integers(self.as_of_m - 60, self.as_of_m - 8))
            first = self._open_case(hh, "低保", self._day_in(m1), pids=rest)
            if first is None:
                return False
            c1, m = first.no, m1 + int(rng.integers(0, 6))
        c2 = self._open_case(hh, "低保", self._day_in(m), pids=part)
        if c2 is None:
            return False
        self._claim((hh,))
        note = (
            f"户号 {self.h['hukou_no'][hh]}: {len(rest)} members in case {c1}, "
            f"{len(part)} in case {c2.no} from {_ym(m)}"
        )
        self._record(self.injected, "split_household", self._case_refs([c1, c2.no], {hh}), note, hh)
        return True

    def _missed_disabled(self, want: int) -> int:
        """Severely disabled people of poor households left without cover."""
        made = 0
        variants = ("status", "roster", "income")
        for q in self._shuffled(self._severe_living()):
            if made >= want:
                break
            hh = self.p["hh"][q]
            if not self._free(hh) or q in self.used_pid or self._hh_cases(hh, "特困"):
                continue
            if sum(self.p["severe"][x] for x in self._living(hh)) > 1:
                continue
            order = variants[made % 3 :] + variants[: made % 3]
            how = next((h for v in order if (h := self._leave_uncovered(q, v))), None)
            if how is None:
                continue
            self._claim((hh,))
            self._record(
                self.injected,
                "missed_disability",
                [("disability", q)],
                f"{self._name(q)} ({self.p['dis_type'][q]}"
                f"{_LEVEL_CN[self.p['dis_level'][q]]}): {how}",
                q,
            )
            made += 1
        return made

    def _leave_uncovered(self, q: int, variant: str) -> str | None:
        """Leave q uncovered in a poor household; returns how, or None if q does not fit."""
        rng = self.rng
        hh = self.p["hh"][q]
        cases = self._hh_cases(hh)
        if variant == "roster":
            rows = [r for r in self._active_rows(q) if r.covered]
            others = [
                r
                for no in cases
                for r in self.rows_by_case[no]
                if r.pid != q and r.covered and r.active(self.as_of_m)
            ]
            if (
                len(rows) != 1
                or len(cases) != 1
                or not others
                or self.cases[cases[0]].payee == q
                or self.cases[cases[0]].income * 12 >= self.std
            ):
                return None
            if rng.random() < 0.5:
                rows[0].covered = False
                return f"listed in case {cases[0]} but not covered"
            self._drop_row(rows[0])
            return f"left off case {cases[0]} of his household"
        if cases:
            return None
        pov = self.poverty.get(hh)
        if pov is None:
            self.poverty[hh] = pov = _Poverty(self._poverty_no(hh), "已脱贫", 0.0, "因残")
        if variant == "status":
            pov.status = POOR_STATUSES[_weighted(rng, POOR_STATUSES, (0.2, 0.45, 0.35))]
            pov.income = round(rng.uniform(2500, 9000), 2)
            return f"建档立卡 {pov.status}, no case"
        pov.status, pov.income = "已脱贫", round(rng.uniform(2800, 4400), 2)
        return f"建档立卡 已脱贫 but income {pov.income}/year below the standard, no case"

    # ----------------------------------------------------------------- natural controls
    def _label_natural_controls(self) -> None:
        """Look-alikes the background produced by itself, outside any injected household."""
        for r in self._death_rows():
            d = self.p["death"][r.pid]
            if (
                self._free(self.p["hh"][r.pid])
                and _m(r.end) == _m(d) + 1
                and _m(r.end) >= self.pay_start_m
            ):
                self._record(
                    self.controls,
                    "death_within_grace",
                    [("assistance", r), ("deaths", r.pid)],
                    self._grace_note(r),
                    r.pid,
                )
        for elder, son in enumerate(self.h["link"]):
            if son < 0 or not self._free(elder, son):
                continue
            c_old, c_son = self._hh_cases(elder, "低保"), self._hh_cases(son, "低保")
            if c_old and c_son:
                self._record(
                    self.controls,
                    "legit_separate_household",
                    self._case_refs(c_son + c_old),
                    "parents next door on their own 户号; both on 低保",
                    (elder, son),
                )

    # ----------------------------------------------------------------- deaths register
    def _ghost_deaths(self) -> None:
        """Deaths of people registered elsewhere, reported to this county all the same."""
        rng = self.rng
        dead = sum(1 for d in self.p["death"] if d is not None)
        n_hh = len(self.h["kind"])
        for _ in range(round(dead * self.params.ghost_death_share)):
            when = self._between(self.death_start, self.as_of)
            birth = when - timedelta(days=int(rng.integers(40 * 365, 95 * 365)))
            self._ghost(rng.random() < 0.55, birth, when, int(rng.integers(n_hh)))

    def _make_notices(self) -> None:
        """One notice per death (sometimes two, from different offices)."""
        rng = self.rng
        sources = ("公安", "殡葬", "卫健")
        defaults = {"公安": (0.55, 0.2), "殡葬": (0.9, 0.5), "卫健": (0.95, 0.95)}
        for q, d in enumerate(self.p["death"]):
            if d is None or d < self.death_start:
                continue
            plan = self.notice_plan.get(q, {})
            srcs = plan.get("sources")
            if srcs is None:
                first = sources[_weighted(rng, sources, (0.45, 0.3, 0.25))]
                srcs = [first]
                if rng.random() < 0.12:
                    srcs.append(sources[(sources.index(first) + 1 + rng.integers(2)) % 3])
            for src in srcs:
                p_id, p_birth = defaults[src]
                place = ""
                if self.p["away"][q] and rng.random() < 0.5:
                    place = self.region.away_places[rng.integers(len(self.region.away_places))]
                self.notices.append(
                    _Notice(
                        q,
                        src,
                        d,
                        plan.get("with_id", rng.random() < p_id),
                        plan.get("with_birth", rng.random() < p_birth),
                        plan.get("id_of", q),
                        plan.get("name_variant", False),
                        place,
                    )
                )
        self.notices.sort(key=lambda n: (n.when, n.source, n.pid))
        log.info("death register: %d notices", len(self.notices))

    def _hukou_listing(self) -> None:
        """The dead are taken off the hukou register, though not always."""
        rng, p = self.rng, self.p
        cutoff = self.as_of - timedelta(days=60)
        listed = []
        for q in range(len(p["hh"])):
            d = p["death"][q]
            if p["ghost"][q]:
                listed.append(False)
            elif d is None or d > cutoff:
                listed.append(True)
            else:
                share = self.params.deregistered_death_share
                if self.notice_plan.get(q, {}).get("keep_hukou"):
                    share = 0.3
                listed.append(rng.random() >= share)
        p["hukou_listed"] = listed

    # ----------------------------------------------------------------- payments
    def _amount(self, cls: str, m: int) -> float:
        return float(self.region.amounts[cls or "特困"][m // 12])

    def _payments(self) -> None:
        """One payment per case per month: the sum over covered, active members."""
        months = np.arange(self.pay_start_m, self.as_of_m + 1)
        case_nos = list(self.cases)
        index = {no: i for i, no in enumerate(case_nos)}
        ci = np.array([index[r.case] for r in self.rows])
        start = np.array([_m(r.start) for r in self.rows])
        end = np.array([_m(r.end) if r.end else 10**9 for r in self.rows])
        covered = np.array([r.covered for r in self.rows])
        cls = [r.cls or "特困" for r in self.rows]
        self.pay = np.zeros((len(case_nos), len(months)))
        for k, m in enumerate(months):
            amt = np.array([self.region.amounts[c][m // 12] for c in ("A", "B", "C", "特困")])
            per_row = amt[[("A", "B", "C", "特困").index(c) for c in cls]] if self.rows else []
            live = covered & (start <= m) & (end >= m)
            self.pay[:, k] = np.bincount(
                ci[live], weights=np.asarray(per_row)[live], minlength=len(case_nos)
            )
        self.case_index, self.months = index, months
        log.info("payments: %d case-months", int((self.pay > 0).sum()))

    # ----------------------------------------------------------------- record ids
    def _assign_record_ids(self) -> None:
        """Order each registry as an office would and number its rows."""
        p, h = self.p, self.h
        twp = h["twp"]

        def rid(registry: str, k: int) -> str:
            """Record id of the k-th row of a registry."""
            if self.region.numeric_record_ids:
                return str(10_000_001 + REGISTRIES.index(registry) * 10_000_000 + k)
            prefix = {
                "hukou": "HJ",
                "assistance": "JZ",
                "payments": "FF",
                "poverty": "JK",
                "disability": "CJ",
                "deaths": "SW",
            }[registry]
            return f"{prefix}{k + 1:07d}"

        self.hukou_order = sorted(
            (q for q in range(len(p["hh"])) if p["hukou_listed"][q]),
            key=lambda q: (
                twp[p["hh"][q]],
                h["vil"][p["hh"][q]],
                h["hukou_no"][p["hh"][q]],
                _REL_RANK.get(p["rel"][q], 6),
                p["birth"][q],
            ),
        )
        self.hukou_rid = {q: rid("hukou", k) for k, q in enumerate(self.hukou_order)}
        order = sorted(self.cases.values(), key=lambda c: (c.loc[0], c.start, c.no))
        self.rows = [r for c in order for r in self.rows_by_case[c.no]]
        for k, r in enumerate(self.rows):
            r.rid = rid("assistance", k)
        self.poverty_order = [
            q
            for hh in sorted(self.poverty, key=lambda x: (twp[x], self.poverty[x].no))
            for q in self.members.get(hh, [])
            if self._on_poverty_register(q)
        ]
        self.poverty_rid = {q: rid("poverty", k) for k, q in enumerate(self.poverty_order)}
        self.cert_order = sorted(
            (q for q in range(len(p["hh"])) if p["cert_listed"][q]),
            key=lambda q: (p["dis_issue"][q], q),
        )
        self.cert_rid = {q: rid("disability", k) for k, q in enumerate(self.cert_order)}
        self.notice_rids: dict[int, list[str]] = defaultdict(list)
        for k, n in enumerate(self.notices):
            n.rid = rid("deaths", k)
            self.notice_rids[n.pid].append(n.rid)
        self.rid_of = rid

    def _on_poverty_register(self, q: int) -> bool:
        """Members stay on 建档立卡 until the yearly update after their death."""
        d = self.p["death"][q]
        return d is None or d > self.as_of - timedelta(days=180)

    # ----------------------------------------------------------------- truth
    def _missed(self) -> list[tuple[int, str]]:
        """Living severely disabled people of poor households without an active covered row."""
        covered_now, poor_hh, poor_case, case_of = set(), set(), set(), defaultdict(set)
        for r in self.rows:
            if not r.active(self.as_of_m):
                continue
            case_of[r.pid].add(r.case)
            if r.covered:
                covered_now.add(r.pid)
                if self.cases[r.case].income * 12 < self.std:
                    poor_case.add(r.case)
                    poor_hh.add(self.p["hh"][r.pid])
        out = []
        for q in self._severe_living():
            if q in covered_now:
                continue
            hh, why = self.p["hh"][q], []
            pov = self.poverty.get(hh)
            if pov and pov.status in POOR_STATUSES:
                why.append(f"建档立卡 {pov.status}")
            elif pov and pov.income < self.std:
                why.append(f"建档立卡 income {pov.income}/year")
            if hh in poor_hh or case_of[q] & poor_case:
                why.append("household on an active case below the standard")
            if why:
                out.append((q, "; ".join(why)))
        return out

    def _derive_truth(self) -> None:
        """Apply CONTRACT.md §2 to the clean tables with true person ids."""
        self.truth: list[dict] = []
        self._truth_deceased()
        self._truth_duplicates()
        self._truth_splits()
        for q, why in self._missed():
            self._truth_case(
                "missed_disability",
                [("disability", q)],
                None,
                f"{self._name(q)} {self.p['dis_type'][q]}"
                f"{_LEVEL_CN[self.p['dis_level'][q]]}; {why}; no active covered row",
                q,
            )
        counts = {t: sum(c["case_type"] == t for c in self.truth) for t in CASE_TYPES}
        log.info("true cases: %s", counts)

    def _truth_case(self, kind, refs, amount, note, key) -> None:
        self.truth.append(
            {"case_type": kind, "refs": refs, "amount": amount, "note": note, "key": key}
        )

    def _truth_deceased(self) -> None:
        """deceased_paid: covered rows paid after the grace month that follows a death."""
        noticed = {n.pid for n in self.notices}
        for r in self.rows:
            d = self.p["death"][r.pid]
            if not r.covered or d is None or r.pid not in noticed:
                continue
            months = [
                int(m)
                for m in self.months
                if m > _m(d) + self.params.grace_months and r.active(int(m))
            ]
            if months:
                amount = sum(self._amount(r.cls, m) for m in months)
                self._truth_case(
                    "deceased_paid",
                    [("assistance", r)],
                    amount,
                    f"{self._name(r.pid)} died {d}; case {r.case} paid "
                    f"{len(months)} months after the grace month",
                    r.pid,
                )

    def _truth_duplicates(self) -> None:
        """duplicate_enrollment: one person active in overlapping rows of two cases."""
        for q in sorted(self.rows_by_pid):
            rows = self.rows_by_pid[q]
            if len({r.case for r in rows}) < 2:
                continue
            overlapping = [
                r for r in rows if any(o.case != r.case and _overlap(r, o) for o in rows)
            ]
            if not overlapping:
                continue
            amount = 0.0
            for m in self.months:
                got = [self._amount(r.cls, int(m)) for r in rows if r.covered and r.active(int(m))]
                if len(got) > 1:
                    amount += sum(got) - max(got)
            cases = sorted({r.case for r in overlapping})
            self._truth_case(
                "duplicate_enrollment",
                [("assistance", r) for r in overlapping],
                amount,
                f"{self._name(q)} active in cases {', '.join(cases)}",
                q,
            )

    def _legit_single_case(self, no: str) -> bool:
        rows = self.rows_by_case[no]
        return len(rows) == 1 and self._gravely(rows[0].pid)

    def _truth_splits(self) -> None:
        """split_household: one 户号 in two 低保 cases at once (legit single cases aside)."""
        by_hh = defaultdict(set)
        for r in self.rows:
            if self.cases[r.case].program == "低保" and not self._legit_single_case(r.case):
                by_hh[self.p["hh"][r.pid]].add(r.case)
        for hh in sorted(h for h, cases in by_hh.items() if len(cases) > 1):
            involved, months = self._split_cases(hh, sorted(by_hh[hh]))
            if involved:
                refs = [
                    ("assistance", r)
                    for no in involved
                    for r in self.rows_by_case[no]
                    if self.p["hh"][r.pid] == hh and any(r.active(m) for m in months)
                ]
                self._truth_case(
                    "split_household",
                    refs,
                    None,
                    f"户号 {self.h['hukou_no'][hh]} enrolled as cases "
                    f"{', '.join(involved)} at the same time",
                    hh,
                )

    def _split_cases(self, hh: int, cases: list[str]) -> tuple[list[str], list[int]]:
        """Cases of one 户号 active together, each with members the other lacks; the months."""
        rows = [r for no in cases for r in self.rows_by_case[no] if self.p["hh"][r.pid] == hh]
        lo = min(_m(r.start) for r in rows)
        involved: set[str] = set()
        months = []
        for m in range(lo, self.as_of_m + 1):
            members = defaultdict(set)
            for r in rows:
                if r.active(m):
                    members[r.case].add(r.pid)
            for a in members:
                for b in members:
                    if a < b and members[a] - members[b] and members[b] - members[a]:
                        involved.update((a, b))
                        months.append(m)
        return sorted(involved), sorted(set(months))

    # ----------------------------------------------------------------- checks
    def _check_truth(self) -> None:
        """Every injected anomaly must be a true case; no control may touch a true case."""
        keys = {(c["case_type"], c["key"]) for c in self.truth}
        missing = [f for f in self.injected if (f.kind, f.key) not in keys]
        if missing:
            raise RuntimeError(f"injected anomalies not derived as cases: {missing[:3]}")
        touched = {self._ref_key(ref) for c in self.truth for ref in c["refs"]}
        kept = []
        for f in self.controls:
            own = {self._ref_key(ref) for ref in f.refs if ref[0] in ("assistance", "disability")}
            if own & touched:
                log.warning("dropping control %s: it touches a true case", f.kind)
            else:
                kept.append(f)
        self.controls = kept
        injected = defaultdict(int)
        for f in self.injected:
            injected[f.kind] += 1
        extra = {t: sum(c["case_type"] == t for c in self.truth) - injected[t] for t in CASE_TYPES}
        self.background_cases = extra
        log.info("cases beyond the injected ones: %s", extra)

    @staticmethod
    def _ref_key(ref) -> tuple:
        registry, obj = ref
        return (registry, obj.rid if isinstance(obj, _Row) else obj)

    def records(self, refs) -> list[dict]:
        """Record ids of clean references, in drop order, without repeats."""
        out, seen = [], set()
        for registry, obj in refs:
            for rid in self._rids(registry, obj):
                if (registry, rid) not in seen:
                    seen.add((registry, rid))
                    out.append({"registry": registry, "record_id": rid})
        return out

    def _rids(self, registry: str, obj) -> list[str]:
        """Record ids of one clean reference."""
        if registry == "assistance":
            return [obj.rid]
        if registry == "deaths":
            return self.notice_rids.get(obj, [])
        table = {"hukou": self.hukou_rid, "poverty": self.poverty_rid, "disability": self.cert_rid}[
            registry
        ]
        return [table[obj]] if obj in table else []


def _overlap(a: _Row, b: _Row) -> bool:
    """Two rows active in at least one common month."""
    a_end = _m(a.end) if a.end else 10**9
    b_end = _m(b.end) if b.end else 10**9
    return max(_m(a.start), _m(b.start)) <= min(a_end, b_end)


# --------------------------------------------------------------------------- rendering
def _fmt_date(d: date, style: str) -> str:
    """A date the way one clerk or another types it."""
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "compact":
        return f"{d:%Y%m%d}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def _homophone(name: str, u1: float, u2: float, surname_len: int) -> str | None:
    """Replace one character (preferably of the given name) by a same-sounding one."""
    spots = [i for i, ch in enumerate(name) if ch in _HOMOPHONES and i >= surname_len]
    spots = spots or [i for i, ch in enumerate(name) if ch in _HOMOPHONES]
    if not spots:
        return None
    i = spots[int(u1 * len(spots))]
    alts = _HOMOPHONES[name[i]]
    return name[:i] + alts[int(u2 * len(alts))] + name[i + 1 :]


def _money(v: float, u: float, suffix_ok: bool = True) -> str:
    """Amounts as clerks type them: 1290, 1290.00, 1,290.00 or 1290元."""
    if u < 0.5:
        return f"{v:g}"
    if u < 0.75:
        return f"{v:.2f}"
    if u < 0.9 or not suffix_ok:
        return f"{v:,.2f}"
    return f"{v:g}元"


class _Drop:
    """Renders the clean county as six dirty registry tables."""

    def __init__(self, county: _County) -> None:
        self.c = county
        self.rng = np.random.default_rng([county.seed, 7])
        self.xlsx = {reg: spec[1] == "xlsx" for reg, spec in county.region.files.items()}

    # ----------------------------------------------------------------- values
    def names(self, qs, registry: str, force=None) -> list[str]:
        u = self.rng.random((len(qs), 4))
        force = force or [False] * len(qs)
        return [self.name(q, registry, u[i], force[i]) for i, q in enumerate(qs)]

    def name(self, q: int, registry: str, u, force: bool = False) -> str:
        """One rendering of q's name as `registry` writes it."""
        p = self.c.p
        if p["mongol"][q]:
            return self._mongol_name(q, registry, u, force)
        name = p["surname"][q] + p["given"][q]
        hom, trad, space = _NAME_DAMAGE[registry]
        if force or u[0] < hom:
            alt = _homophone(name, u[1], u[2], len(p["surname"][q]))
            if alt:
                return alt
        if force or hom <= u[0] < hom + trad:
            alt = self.c._t2s.convert(name)
            if alt != name or not force:
                return alt
        if force or hom + trad <= u[0] < hom + trad + space:
            return name[:1] + " " + name[1:] if u[3] < 0.6 else name + " "
        return name

    def _mongol_name(self, q: int, registry: str, u, force: bool) -> str:
        """Spellings vary per element; the clan name comes and goes."""
        p = self.c.p
        p_var = _MONGOL_VARIANT[registry]
        parts = []
        for k, t in enumerate(p["mtok"][q]):
            spellings = _MONGOL_TOKENS[t][0]
            x = u[1 + k]
            pick = 1 + int(x / p_var * (len(spellings) - 1)) if x < p_var else 0
            parts.append(spellings[pick])
        clan = p["clan"][q]
        shown = p["clan_hukou"][q] if registry == "hukou" else u[0] < _CLAN_SHOWN[registry]
        if force and parts == [_MONGOL_TOKENS[t][0][0] for t in p["mtok"][q]]:
            if clan:
                shown = not (p["clan_hukou"][q])
            else:
                parts[0] = _MONGOL_TOKENS[p["mtok"][q][0]][0][1]
        body = "".join(parts)
        if not (clan and shown):
            return body
        if clan.endswith("·") and registry != "hukou":
            return clan[:-1] + _CLAN_DOTS[int(u[3] * len(_CLAN_DOTS))] + body
        return clan + body

    def ids(self, holders, registry: str, modes=None, relatives=None) -> list:
        """Rendered ID numbers of `holders` (pids; -1 = none) with the registry's damage."""
        rng = self.rng
        n = len(holders)
        kinds = list(_ID_DAMAGE[registry])
        cum = np.cumsum(list(_ID_DAMAGE[registry].values()))
        pick = np.searchsorted(cum, rng.random(n), side="right")
        u = rng.random((n, 2))
        out = []
        for i, q in enumerate(holders):
            mode = (
                modes[i]
                if modes and modes[i]
                else kinds[pick[i]]
                if pick[i] < len(kinds)
                else "clean"
            )
            rel = -1
            if mode == "relative" and q >= 0:
                rel = relatives[i] if relatives else self.c._relative(q)
            out.append(self._id(q, mode, registry, u[i], rel))
        return out

    def _id(self, q: int, mode: str, registry: str, u, relative: int):
        """One rendering of q's ID number with the damage `mode`."""
        if q < 0 or mode == "blank":
            return ""
        text = self.c.p["id18"][q]
        if mode == "relative" and relative >= 0:
            text = self.c.p["id18"][relative]
        if text.endswith("X") and u[0] < _LOWER_X[registry]:
            text = text[:-1] + "x"
        digits_only = text[-1].isdigit()
        if mode == "id15" and text[6:8] == "19":
            return text[:6] + text[8:17]
        if mode == "sci" and digits_only:
            return float(text[:15] + "000") if self.xlsx.get(registry) else f"{int(text):.5E}"
        if mode == "zeroed" and digits_only:
            return text[:15] + "000"
        if mode == "fullwidth":
            return text.translate(_FULLWIDTH)
        if mode == "space":
            return (
                " " + text
                if u[1] < 0.3
                else text + " "
                if u[1] < 0.6
                else text[:6] + " " + text[6:]
            )
        return text

    def dates(self, values, registry: str) -> list:
        styles = list(_DATE_STYLES[registry])
        pick = _weighted(self.rng, styles, list(_DATE_STYLES[registry].values()), len(values))
        cell = self.rng.random(len(values)) < (0.5 if self.xlsx.get(registry) else 0.0)
        return [
            "" if d is None else d if cell[i] else _fmt_date(d, styles[pick[i]])
            for i, d in enumerate(values)
        ]

    def _group(self, grp: int, u_cn: float, u_alt: float, cn_p: float, alt_p: float) -> str:
        words = self.c.region.group_words
        word = words[1] if len(words) > 1 and u_alt < alt_p else words[0]
        return (_cn_number(grp) if u_cn < cn_p else str(grp)) + word

    def addresses(self, locs, registry: str, sites=None) -> list[str]:
        """Addresses written the registry's way: prefix, group numerals, courtyard, number."""
        reg = self.c.region
        full_p, county_p, twp_p, cn_p, alt_p, court_p, house_p = _ADDRESS_STYLE[registry]
        full = reg.province + reg.prefecture + reg.county
        u = self.rng.random((len(locs), 7))
        out = []
        for i, (twp, vil, grp, court, house) in enumerate(locs):
            x = u[i]
            prefix = full if x[0] < full_p else reg.county if x[0] < full_p + county_p else ""
            text = prefix + (reg.townships[twp] if prefix or x[1] < twp_p else "")
            if vil < 0:
                out.append(text + (sites[i] if sites else ""))
                continue
            text += self.c.villages[vil][1] + self._group(grp, x[2], x[3], cn_p, alt_p)
            if court and x[4] < court_p:
                text += court
            if house and x[5] < house_p:
                text += f"{house}号"
            out.append(text)
        return out

    def villages(self, locs, with_group: float = 0.5) -> list[str]:
        """村组 values: the village, sometimes with its group."""
        u = self.rng.random((len(locs), 3))
        out = []
        for i, (_, vil, grp, _, _) in enumerate(locs):
            if vil < 0:
                out.append("")
                continue
            text = self.c.villages[vil][1]
            if u[i, 0] < with_group:
                text += self._group(grp, u[i, 1], u[i, 2], 0.5, 0.3)
            out.append(text)
        return out

    # ----------------------------------------------------------------- registries
    def hukou(self) -> tuple[list[str], list[list]]:
        """户籍人口: everyone registered, head first in each 户号."""
        c, p = self.c, self.c.p
        qs = c.hukou_order
        locs = [c._loc(p["hh"][q]) for q in qs]
        phones = [
            p["phone"][q] or (c.h["phone"][p["hh"][q]] if self.rng.random() < 0.6 else "")
            for q in qs
        ]
        cols = [
            "record_id",
            "hukou_no",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "relation",
            "township",
            "village",
            "address",
            "phone",
        ]
        data = zip(
            [c.hukou_rid[q] for q in qs],
            [c.h["hukou_no"][p["hh"][q]] for q in qs],
            self.names(qs, "hukou"),
            ["男" if p["male"][q] else "女" for q in qs],
            [p["eth"][q] for q in qs],
            self.dates([p["birth"][q] for q in qs], "hukou"),
            self.ids(qs, "hukou"),
            [p["rel"][q] for q in qs],
            [c.region.townships[loc[0]] for loc in locs],
            self.villages(locs, 0.6),
            self.addresses(locs, "hukou"),
            phones,
            strict=True,
        )
        return cols, [list(row) for row in data]

    def assistance(self) -> tuple[list[str], list[list]]:
        """救助对象: one row per member of each 低保/特困 case, case by case."""
        c, p, rng = self.c, self.c.p, self.rng
        rows = c.rows
        qs = [r.pid for r in rows]
        cases = [c.cases[r.case] for r in rows]
        locs = [case.loc for case in cases]
        size = {no: len(rs) for no, rs in c.rows_by_case.items()}
        all_rows_bank = {no: rng.random() < 0.7 for no in c.cases}
        u = rng.random((len(rows), 3))
        relatives = [
            case.payee if case.payee != r.pid else c._relative(r.pid)
            for r, case in zip(rows, cases, strict=True)
        ]
        cols = [
            "record_id",
            "township",
            "village",
            "case_no",
            "program",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "relation",
            "covered",
            "dibao_class",
            "household_size",
            "health",
            "income_per_capita",
            "start_date",
            "end_date",
            "address",
            "phone",
            "bank_account",
            "remark",
        ]
        data = zip(
            [r.rid for r in rows],
            [c.region.townships[loc[0]] for loc in locs],
            self.villages(locs),
            [r.case for r in rows],
            [case.program for case in cases],
            self.names(qs, "assistance", [r.name_variant for r in rows]),
            self.ids(qs, "assistance", [r.id_mode for r in rows], relatives),
            ["男" if p["male"][q] else "女" for q in qs],
            self.dates([p["birth"][q] for q in qs], "assistance"),
            [r.rel for r in rows],
            ["是" if r.covered else "否" for r in rows],
            [r.cls for r in rows],
            [self._number(size[r.case], "assistance") for r in rows],
            [p["health"][q] for q in qs],
            [self._income(case.income, u[i, 0]) for i, case in enumerate(cases)],
            self.dates([r.start for r in rows], "assistance"),
            self.dates([r.end for r in rows], "assistance"),
            self.addresses(locs, "assistance", [case.site for case in cases]),
            [
                case.phone if case.payee == r.pid else p["phone"][r.pid] if u[i, 1] < 0.4 else ""
                for i, (r, case) in enumerate(zip(rows, cases, strict=True))
            ],
            [
                self._account(case.bank, u[i, 2])
                if case.payee == r.pid or all_rows_bank[r.case]
                else ""
                for i, (r, case) in enumerate(zip(rows, cases, strict=True))
            ],
            [self._remark(r, case) for r, case in zip(rows, cases, strict=True)],
            strict=True,
        )
        return cols, [list(row) for row in data]

    def _number(self, v: float, registry: str):
        return v if self.xlsx.get(registry) else str(v)

    def _income(self, v: float, u: float):
        if self.xlsx.get("assistance") and u < 0.8:
            return v
        return f"{v:g}元" if u > 0.93 else f"{v:.2f}" if u > 0.6 else f"{v:g}"

    @staticmethod
    def _account(bank: str, u: float) -> str:
        if u < 0.05:
            return " ".join(bank[i : i + 4] for i in range(0, len(bank), 4))
        if u < 0.08:
            return f"{int(bank):.5E}"
        return bank

    def _remark(self, r: _Row, case: _Case) -> str:
        if case.site:
            return "集中供养"
        single = len(self.c.rows_by_case[r.case]) == 1 and case.program == "低保"
        if single and self.c._gravely(r.pid):
            return "重残单人户" if self.c.p["severe"][r.pid] else "重病单人户"
        return ""

    def payments(self) -> tuple[list[str], list[list]]:
        """发放记录: one row per case per paid month."""
        c = self.c
        cols = [
            "record_id",
            "case_no",
            "payee_name",
            "payee_id_number",
            "bank_account",
            "pay_month",
            "amount",
            "program",
        ]
        order = sorted(c.cases.values(), key=lambda x: (x.loc[0], x.no))
        cells = [
            (k, case)
            for k in range(len(c.months))
            for case in order
            if c.pay[c.case_index[case.no], k] > 0
        ]
        payees = [case.payee for _, case in cells]
        u = self.rng.random(len(cells))
        xlsx = self.xlsx.get("payments")
        data = zip(
            [c.rid_of("payments", i) for i in range(len(cells))],
            [case.no for _, case in cells],
            self.names(payees, "payments"),
            self.ids(payees, "payments"),
            [case.bank for _, case in cells],
            [_ym(int(c.months[k])) for k, _ in cells],
            [
                float(c.pay[c.case_index[case.no], k])
                if xlsx
                else _money(float(c.pay[c.case_index[case.no], k]), u[i])
                for i, (k, case) in enumerate(cells)
            ],
            [case.program for _, case in cells],
            strict=True,
        )
        return cols, [list(row) for row in data]

    def poverty(self) -> tuple[list[str], list[list]]:
        """建档立卡: the members of each registered poor household."""
        c, p = self.c, self.c.p
        qs = c.poverty_order
        recs = [c.poverty[p["hh"][q]] for q in qs]
        locs = [c._loc(p["hh"][q]) for q in qs]
        u = self.rng.random(len(qs))
        xlsx = self.xlsx.get("poverty")
        cols = [
            "record_id",
            "poverty_hh_no",
            "township",
            "village",
            "name",
            "gender",
            "id_number",
            "birth_date",
            "relation",
            "poverty_status",
            "labor_capacity",
            "health",
            "poverty_cause",
            "income_per_capita_year",
            "ethnicity",
        ]
        data = zip(
            [c.poverty_rid[q] for q in qs],
            [rec.no for rec in recs],
            [c.region.townships[loc[0]] for loc in locs],
            self.villages(locs),
            self.names(qs, "poverty"),
            ["男" if p["male"][q] else "女" for q in qs],
            self.ids(qs, "poverty"),
            self.dates([p["birth"][q] for q in qs], "poverty"),
            [p["rel"][q] for q in qs],
            [rec.status for rec in recs],
            [self._labor(q) for q in qs],
            [p["health"][q] for q in qs],
            [rec.cause for rec in recs],
            [rec.income if xlsx else _money(rec.income, u[i], False) for i, rec in enumerate(recs)],
            [p["eth"][q] for q in qs],
            strict=True,
        )
        return cols, [list(row) for row in data]

    def _labor(self, q: int) -> str:
        """劳动技能 from age, health and disability."""
        p = self.c.p
        age = p["age"][q]
        if age < 16:
            return "无劳动力"
        if p["severe"][q] or p["health"][q] == "患有大病" or age >= 70:
            return "丧失劳动力"
        if age >= 60 or p["health"][q] in ("长期慢性病", "残疾"):
            return "弱劳动力或半劳动力"
        return "技能劳动力" if p["id18"][q][-2] in "02" else "普通劳动力"

    def disability(self) -> tuple[list[str], list[list]]:
        """残疾人: one row per certificate, in order of issue."""
        c, p = self.c, self.c.p
        qs = c.cert_order
        locs = [c._loc(p["hh"][q]) for q in qs]
        u = self.rng.random((len(qs), 2))
        xlsx = self.xlsx.get("disability")
        cols = [
            "record_id",
            "cert_no",
            "name",
            "id_number",
            "gender",
            "disability_type",
            "disability_level",
            "township",
            "village",
            "issue_date",
        ]
        data = zip(
            [c.cert_rid[q] for q in qs],
            [
                ""
                if u[i, 0] < 0.03
                else p["id18"][q] + str(_DISABILITY_CODE[p["dis_type"][q]]) + str(p["dis_level"][q])
                for i, q in enumerate(qs)
            ],
            self.names(qs, "disability"),
            self.ids(qs, "disability"),
            ["男" if p["male"][q] else "女" for q in qs],
            [p["dis_type"][q] for q in qs],
            [
                _LEVEL_CN[p["dis_level"][q]]
                if u[i, 1] < 0.6
                else (p["dis_level"][q] if xlsx else str(p["dis_level"][q]))
                for i, q in enumerate(qs)
            ],
            [c.region.townships[loc[0]] for loc in locs],
            self.villages(locs, 0.3),
            self.dates([p["dis_issue"][q] for q in qs], "disability"),
            strict=True,
        )
        return cols, [list(row) for row in data]

    def deaths(self) -> tuple[list[str], list[list]]:
        """死亡人员: notices from 公安, 殡葬 and 卫健, each with the fields its office sends."""
        c, p, rng = self.c, self.c.p, self.rng
        notes = c.notices
        qs = [n.pid for n in notes]
        locs = [c._loc(p["hh"][q]) for q in qs]
        u = rng.random((len(notes), 4))
        village_p = {"公安": 0.3, "殡葬": 0.2, "卫健": 0.8}
        address_p = {"公安": 0.4, "殡葬": 0.8, "卫健": 0.5}
        addresses = self.addresses(locs, "deaths")
        villages = self.villages(locs)
        cols = [
            "record_id",
            "name",
            "gender",
            "id_number",
            "birth_date",
            "death_date",
            "source",
            "township",
            "village",
            "address",
        ]
        data = zip(
            [n.rid for n in notes],
            self.names(qs, "deaths", [n.name_variant for n in notes]),
            [
                "男" if p["male"][n.pid] else "女" if n.source == "公安" or u[i, 0] < 0.95 else ""
                for i, n in enumerate(notes)
            ],
            self.ids(
                [n.id_of if n.with_id else -1 for n in notes], "deaths", relatives=[-1] * len(notes)
            ),
            self.dates([p["birth"][n.pid] if n.with_birth else None for n in notes], "deaths"),
            self.dates([n.when for n in notes], "deaths"),
            [n.source for n in notes],
            [
                "" if n.place else c.region.townships[loc[0]]
                for n, loc in zip(notes, locs, strict=True)
            ],
            [
                villages[i] if not n.place and u[i, 1] < village_p[n.source] else ""
                for i, n in enumerate(notes)
            ],
            [
                n.place or (addresses[i] if u[i, 2] < address_p[n.source] else "")
                for i, n in enumerate(notes)
            ],
            strict=True,
        )
        return cols, [list(row) for row in data]


# --------------------------------------------------------------------------- writing
def _freeze_zip(data: bytes) -> bytes:
    """Rewrite an XLSX with fixed timestamps, so that equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-07-01T08:00:00Z", body)
            frozen = zipfile.ZipInfo(info.filename, date_time=(2024, 7, 1, 8, 0, 0))
            frozen.compress_type = zipfile.ZIP_DEFLATED
            frozen.external_attr = info.external_attr
            dst.writestr(frozen, body)
    return out.getvalue()


def _write_xlsx(path: Path, header: list[str], rows: list[list], title: str) -> None:
    """An XLSX with the table on its first sheet and the header in row 1."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "民政局"
    ws = wb.create_sheet(title)
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_freeze_zip(buf.getvalue()))


def _write_csv(path: Path, header: list[str], rows: list[list], encoding: str) -> None:
    """A CSV in the given encoding (GB18030 files get Windows line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if encoding == "gb18030" else "\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def _clear_drop(drop: Path) -> None:
    """Remove registry files of an earlier run, which would make the drop ambiguous."""
    stems = set(REGISTRIES) | set(_REGISTRY_ZH.values())
    for old in drop.iterdir():
        if old.is_file() and old.stem in stems:
            old.unlink()


def _write_drop(county: _County, drop: Path) -> dict[str, dict]:
    """Render and write the six registry files; return what was written."""
    drop.mkdir(parents=True, exist_ok=True)
    _clear_drop(drop)
    render = _Drop(county)
    files = {}
    for registry in REGISTRIES:
        name, encoding, lang = county.region.files[registry]
        cols, rows = getattr(render, registry)()
        header = cols if lang == "en" else [_ZH[c] for c in cols]
        if encoding == "xlsx":
            _write_xlsx(drop / name, header, rows, _REGISTRY_ZH[registry])
        else:
            _write_csv(drop / name, header, rows, encoding)
        files[registry] = {"file": name, "encoding": encoding, "headers": lang, "rows": len(rows)}
        log.info("wrote %s (%d rows)", name, len(rows))
    return files


def _write_truth(county: _County, truth: Path, files: dict) -> dict:
    """Write persons.csv, cases.jsonl, controls.jsonl and manifest.json; return the manifest."""
    truth.mkdir(parents=True, exist_ok=True)
    _write_persons(county, truth / "persons.csv")
    cases = [
        {
            "case_type": c["case_type"],
            "records": county.records(c["refs"]),
            "amount_at_risk": None if c["amount"] is None else round(float(c["amount"]), 2),
            "note": c["note"],
        }
        for c in county.truth
    ]
    cases.sort(key=lambda c: (CASE_TYPES.index(c["case_type"]), c["records"][0]["record_id"]))
    controls = [
        {"control_type": f.kind, "records": county.records(f.refs), "note": f.note}
        for f in county.controls
    ]
    controls.sort(
        key=lambda c: (CONTROL_TYPES.index(c["control_type"]), c["records"][0]["record_id"])
    )
    for name, items in (("cases.jsonl", cases), ("controls.jsonl", controls)):
        text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
        (truth / name).write_text(text, encoding="utf-8")
    manifest = _manifest(county, files, cases, controls)
    (truth / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _write_persons(county: _County, path: Path) -> None:
    """The true person of every row of hukou, assistance, poverty, disability and deaths."""

    def pid(q: int) -> str:
        return f"P{q:07d}"

    lines = ["registry,record_id,person_id"]
    lines += [f"hukou,{county.hukou_rid[q]},{pid(q)}" for q in county.hukou_order]
    lines += [f"assistance,{r.rid},{pid(r.pid)}" for r in county.rows]
    lines += [f"poverty,{county.poverty_rid[q]},{pid(q)}" for q in county.poverty_order]
    lines += [f"disability,{county.cert_rid[q]},{pid(q)}" for q in county.cert_order]
    lines += [f"deaths,{n.rid},{pid(n.pid)}" for n in county.notices]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _manifest(county: _County, files: dict, cases: list, controls: list) -> dict:
    """Parameters, row counts, case and control counts and the amounts used."""
    reg, params = county.region, county.params
    years = sorted({int(m) // 12 for m in county.months})
    count = defaultdict(int)
    for f in county.injected:
        count[f.kind] += 1
    return {
        "generator": "resolver.other_county",
        "region": reg.key,
        "county": reg.province + reg.prefecture + reg.county,
        "region_code": reg.code,
        "townships": len({v[0] for v in county.villages}),
        "people": county.people,
        "seed": county.seed,
        "as_of": params.as_of.isoformat(),
        "payment_window": [_ym(int(county.months[0])), _ym(int(county.months[-1]))],
        "death_register_from": county.death_start.isoformat(),
        "active_month_rule": "a row is active in month M when month(start_date) <= M <= "
        "month(end_date); a blank end_date never ends",
        "death_grace_months": params.grace_months,
        "dibao_standard_year": params.dibao_standard_year,
        "monthly_amounts": {
            ("低保" + k if k != "特困" else k): {str(y): reg.amounts[k][y] for y in years}
            for k in ("A", "B", "C", "特困")
        },
        "params": {
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(params).items()
        },
        "files": files,
        "rows": {r: files[r]["rows"] for r in REGISTRIES},
        "true_cases": {t: sum(c["case_type"] == t for c in cases) for t in CASE_TYPES},
        "injected_cases": {t: count[t] for t in CASE_TYPES},
        "background_cases": county.background_cases,
        "controls": {t: sum(c["control_type"] == t for c in controls) for t in CONTROL_TYPES},
    }


def write_other_county(
    out_dir: Path,
    *,
    people: int,
    seed: int,
    region: str = "han",
    params: CountyParams | None = None,
) -> dict:
    """Write out_dir/drop/ (a data drop per CONTRACT.md §1) and out_dir/truth/; return the manifest.

    `region` is "han" (a county of Chongqing) or "mongolian" (a banner of 兴安盟).  The same
    (people, seed, region, params) always gives the same bytes.

    Parameters
    ----------
    out_dir : Path
        Where to write ``drop/`` and ``truth/``.
    people : int
        How many people the county has.
    seed : int
        Seed of the random generator.
    region : str, default "han"
        ``han`` or ``mongolian``.
    params : CountyParams, optional
        The county's knobs; the defaults when None.

    Returns
    -------
    dict
        The manifest written to the truth folder: parameters, files, rows, cases and controls.
    """
    county = _County(people, seed, region, params or CountyParams())
    county.build()
    out_dir = Path(out_dir)
    files = _write_drop(county, out_dir / "drop")
    manifest = _write_truth(county, out_dir / "truth", files)
    log.info("county written to %s: %s", out_dir, manifest["true_cases"])
    return manifest
