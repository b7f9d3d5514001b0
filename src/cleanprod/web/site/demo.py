"""The demo platform: who the centres and their partners are, people of every role, the Lao CP
programme's four demonstration plants, the six examples as assessments, and about 200 SMEs
of the rattan programme along the supply chain in Viet Nam, the Lao PDR and Cambodia, the
four-module CPA course LNCPC ran in Vientiane in 2007 (120 participants, attendance, in-plant
assignments, evaluations) and about twenty case studies of implemented options.

``python -m cleanprod.web load_demo`` (and ``start``, on an empty database) calls
:func:`load_demo`. Everything happens in one transaction, and only on a platform that holds no
organisation yet: made-up records are never mixed with real ones.

What is real and what is made up:

- **Real** (each with its source in the organisation's ``notes``): the organisations and what
  they did — the Lao CP programme (UNIDO project US/LAO/03/049, 2007, final report by VNCPC of
  30 June 2008; the Lao centre's "Vision and Mission" page), the EU rattan programme (donor
  the European Union; partners WWF Austria, WWF Mekong, VNCPC, LNCCI and the Accreditation
  Committee of Cambodia; 2009-2011), the names of the four demonstration units as that report
  gives them, and the provinces and districts, which are rattan-growing and rattan-working
  areas. The seed documents these come from are kept in the development workspace
  (``reference/seeds/000_…`` rattan programme, ``002_…`` Lao centre, ``003_…`` Lao programme
  report, ``004_…`` VNCPC).
- **Illustrative** (said so in every record, in ``notes`` where the model has the field, else
  in the address): the people and their names, every generated enterprise (name, address,
  size, employees, position, contacts), the registry details of the named plants, and every
  figure of the assessments (the examples' own notes say which values are typical sector
  values and which are assumptions). Positions are drawn near the district's centre; phone
  numbers have a 000 exchange and e-mail addresses use the reserved domain ``.example``.
  The course and its modules are the Lao programme's; its sessions' days, participants
  (names, sex, positions: "(illustrative)" in the position), attendance, groups and
  evaluations are made up. The options the demo marks implemented beyond the examples' three,
  their dates and the case studies told of them are illustrative too.

The generators are seeded: the same call gives the same enterprises, names, positions,
participants, attendance and evaluations.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cleanprod.errors import CleanprodError

#: The one password of every demo user (printed by ``start`` and ``load_demo``). A demo site
#: is for trying the platform on one's own machine, never for real data.
DEMO_PASSWORD = "mekong-demo-2026"

#: The seed of the generator of the rattan SMEs.
RATTAN_SEED = 2009

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"

ILLUSTRATIVE = "Illustrative demo record (made up by cleanprod's load_demo)."


class DemoAlreadyLoaded(CleanprodError):
    """The platform already holds organisations: the demo is loaded only into an empty one."""


# ---------------------------------------------------------------------------------------------
# Organisations (real), with what the sources say of them

RATTAN_PROGRAMME = (
    "the EU-funded rattan programme in Cambodia, Laos and Viet Nam (2009-2011; implementation "
    "partners WWF Austria, WWF Mekong, VNCPC, LNCCI and ACC; source: the programme's project "
    "description)"
)
LAO_PROGRAMME = (
    'UNIDO project US/LAO/03/049 "Promotion of Cleaner Industrial Production in the Lao PDR" '
    "(2007; final report by the Viet Nam Cleaner Production Center, 30 June 2008)"
)


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    short_name: str
    kind: str
    country: str
    notes: str
    website: str = ""


ORGANISATIONS = (
    OrganisationSpec(
        "lncpc",
        "Lao National Cleaner Production Centre",
        "LNCPC",
        "cp-centre",
        "LA",
        "The CP centre of the Lao PDR; its own pages call it the Cleaner Production Center "
        "Lao PDR: established in 2010 at the request of the Government of Lao PDR, out of the "
        'UNIDO programme "Promotion of Industrial Cleaner Production in the Lao PDR", funded by '
        "the Swiss Government through SECO and hosted by the Ministry of Industry and Commerce "
        '(source: the centre\'s "Vision and Mission" page). In this demo it registered the four '
        f"demonstration plants of {LAO_PROGRAMME}. Its people here are illustrative.",
    ),
    OrganisationSpec(
        "vncpc",
        "Viet Nam Cleaner Production Centre",
        "VNCPC",
        "cp-centre",
        "VN",
        "Pioneer of CP in Viet Nam since 1998; has helped over 500 Vietnamese companies and "
        "helped start RECP centres in Cambodia and the Lao PDR (source: the centre's profile "
        '"Vietnam Cleaner Production Centre"). Trained the Lao consultants and wrote the final '
        f"report of {LAO_PROGRAMME}; an implementation partner of {RATTAN_PROGRAMME}. In this "
        "demo it registers the Vietnamese rattan SMEs. Its people here are illustrative.",
    ),
    OrganisationSpec(
        "lncci",
        "Lao National Chamber of Commerce and Industry",
        "LNCCI",
        "business-association",
        "LA",
        f"An implementation partner of {RATTAN_PROGRAMME}. In this demo it registers the Lao "
        "rattan SMEs. Its people here are illustrative.",
    ),
    OrganisationSpec(
        "acc",
        "Accreditation Committee of Cambodia",
        "ACC",
        "certification",
        "KH",
        f"An implementation partner of {RATTAN_PROGRAMME}. In this demo it registers the "
        "Cambodian rattan SMEs. Its people here are illustrative.",
    ),
    OrganisationSpec(
        "wwf",
        "WWF Greater Mekong",
        "WWF-Mekong",
        "ngo",
        "VN",
        'Named "WWF- Mekong (Vietnam, Lao, Cambodia)" among the implementation partners of '
        f"{RATTAN_PROGRAMME}. The country (VN) is the demo's choice: the programme covers Viet "
        "Nam, the Lao PDR and Cambodia. Its people here are illustrative.",
    ),
    OrganisationSpec(
        "wwf-austria",
        "WWF Austria",
        "WWF-AT",
        "ngo",
        "AT",
        f"An implementation partner of {RATTAN_PROGRAMME}.",
    ),
    OrganisationSpec(
        "eu",
        "European Union",
        "EU",
        "donor",
        "BE",
        f"The donor of {RATTAN_PROGRAMME}. The country is Belgium (Brussels): the European "
        "Union has no ISO 3166-1 code of its own. Its people here are illustrative.",
    ),
    OrganisationSpec(
        "unido",
        "United Nations Industrial Development Organization",
        "UNIDO",
        "donor",
        "AT",
        "Established the CP programme of the Lao PDR (source: the Lao centre's pages) and ran "
        f"{LAO_PROGRAMME}: four training modules and four in-plant demonstrations. With VNCPC, "
        "held a dissemination workshop on CP and design for sustainability in Vietnamese crafts "
        "on 23 January 2013 (sericulture, bamboo/rattan, lacquer-ware, sea-grass, handmade "
        "paper).",
        "https://www.unido.org",
    ),
    OrganisationSpec(
        "seco",
        "State Secretariat for Economic Affairs",
        "SECO",
        "donor",
        "CH",
        "Funded the UNIDO CP programme in the Lao PDR for the Swiss Government (source: the Lao "
        "centre's pages). Its people here are illustrative.",
    ),
    OrganisationSpec(
        "mic",
        "Ministry of Industry and Commerce, Lao PDR",
        "MIC",
        "government",
        "LA",
        "Hosts the Lao CP programme (source: the Lao centre's pages).",
    ),
)


# ---------------------------------------------------------------------------------------------
# People (illustrative): one password, every role


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: str
    language: str = "en"
    #: For an enterprise user, the key of their enterprise (see :data:`PLANTS`).
    enterprise: str | None = None


DEMO_USERS = (
    DemoUser("lncpc-admin", "Souphaphone", "Keomany", "lncpc", "centre-admin", "lo"),
    DemoUser("lncpc-consultant", "Bounmy", "Phommasack", "lncpc", "consultant", "lo"),
    DemoUser("lncpc-consultant2", "Vilayphone", "Sengdara", "lncpc", "consultant", "lo"),
    DemoUser("vncpc-admin", "Thị Thu Hà", "Nguyễn", "vncpc", "centre-admin", "vi"),
    DemoUser("vncpc-consultant", "Minh Đức", "Trần", "vncpc", "consultant", "vi"),
    DemoUser("vncpc-consultant2", "Thị Hồng Nhung", "Lê", "vncpc", "consultant", "vi"),
    DemoUser("lncci-consultant", "Khamphet", "Vongsa", "lncci", "consultant", "lo"),
    DemoUser("acc-consultant", "Chanthou", "Sok", "acc", "consultant", "km"),
    DemoUser("wwf-consultant", "Lan Anh", "Phạm", "wwf", "consultant"),
    DemoUser("eu-viewer", "Anna", "Berger", "eu", "programme-viewer"),
    DemoUser("seco-viewer", "Martin", "Keller", "seco", "programme-viewer"),
    DemoUser(
        "lsd-user", "Somsack", "Inthavong", "lncpc", "enterprise-user", "lo", "lao-soft-drink"
    ),
    DemoUser("phuvinh-user", "Văn Hùng", "Đỗ", "vncpc", "enterprise-user", "vi", "phu-vinh"),
)


# ---------------------------------------------------------------------------------------------
# The enterprises of the six examples, each with its assessment


@dataclass(frozen=True)
class Plant:
    key: str
    name: str
    local_name: str
    organisation: str
    country: str
    province: str
    district: str
    sector: str
    employees: int
    latitude: float
    longitude: float
    example: str
    year: int
    stage: str
    lead: str
    notes: str
    supply_chain_role: str = ""


def _lao_unit(example: str) -> str:
    return (
        f"One of the four in-plant demonstration units of {LAO_PROGRAMME}; the name is the "
        "report's. The report publishes no plant figures: the registry details (district, "
        "position, employees) and every figure of the assessment are illustrative (from "
        f"examples/{example}.yaml, whose notes give the sector values and assumptions used)."
    )


PLANTS = (
    Plant(
        "saylong-steel",
        "Saylong ROD Steel Co-Ltd",
        "",
        "lncpc",
        "LA",
        "Vientiane Capital",
        "Xaysetha",
        "metals",
        120,
        17.985,
        102.652,
        "lao-steel-rolling",
        2007,
        "implementation",
        "lncpc-consultant",
        _lao_unit("lao-steel-rolling"),
    ),
    Plant(
        "lao-soft-drink",
        "Lao Soft Drink Company",
        "",
        "lncpc",
        "LA",
        "Vientiane Capital",
        "Sikhottabong",
        "beverages",
        110,
        17.968,
        102.571,
        "lao-soft-drink",
        2007,
        "implementation",
        "lncpc-consultant2",
        _lao_unit("lao-soft-drink"),
    ),
    Plant(
        "laos-furniture",
        "Laos Furniture",
        "",
        "lncpc",
        "LA",
        "Vientiane Capital",
        "Naxaythong",
        "furniture",
        150,
        18.121,
        102.597,
        "lao-furniture",
        2007,
        "implementation",
        "lncpc-consultant",
        _lao_unit("lao-furniture"),
    ),
    Plant(
        "lao-agro",
        "Lao Agro-processing",
        "",
        "lncpc",
        "LA",
        "Vientiane Province",
        "Phonhong",
        "food",
        85,
        18.497,
        102.414,
        "lao-agro-processing",
        2007,
        "implementation",
        "lncpc-consultant2",
        _lao_unit("lao-agro-processing") + " The product line (cassava starch) is the example's "
        "assumption: the report does not say what the plant produced.",
    ),
    Plant(
        "phu-vinh",
        "Phu Vinh Rattan Furniture Workshop",
        "Cơ sở mây tre đan Phú Vinh",
        "vncpc",
        "VN",
        "Ha Noi",
        "Chuong My",
        "rattan-bamboo",
        60,
        20.905,
        105.662,
        "vn-rattan-furniture",
        2024,
        "options",
        "vncpc-consultant",
        f"{ILLUSTRATIVE} A rattan furniture SME of the kind assessed in {RATTAN_PROGRAMME}; "
        "Phu Vinh (Chuong My, Ha Noi) is a traditional rattan and bamboo weaving village. "
        "Every figure of the assessment is illustrative (examples/vn-rattan-furniture.yaml).",
        "processor",
    ),
    Plant(
        "van-phuc-silk",
        "Van Phuc Natural Silk Workshop",
        "Cơ sở lụa nhuộm tự nhiên Vạn Phúc",
        "vncpc",
        "VN",
        "Ha Noi",
        "Ha Dong",
        "textiles",
        14,
        20.979,
        105.772,
        "vn-silk-dyeing",
        2024,
        "options",
        "vncpc-consultant2",
        f"{ILLUSTRATIVE} A household silk workshop of the kind the UNIDO crafts programme "
        "worked with (natural silk dyeing; dissemination workshop with VNCPC, 23 January "
        "2013); Van Phuc (Ha Dong, Ha Noi) is a traditional silk-weaving village. Every figure "
        "of the assessment is illustrative (examples/vn-silk-dyeing.yaml).",
    ),
)


# ---------------------------------------------------------------------------------------------
# The rattan programme's SMEs (generated, illustrative)

#: (country, supply-chain role) → SMEs per 200: cane is harvested and pre-processed in the
#: forest provinces of Laos, Cambodia and central Viet Nam, traded, woven into furniture
#: mainly in the Red River delta, and exported through Ha Noi and Ho Chi Minh City.
CHAIN_SHARES: dict[tuple[str, str], int] = {
    ("VN", "harvester"): 14,
    ("VN", "pre-processor"): 16,
    ("VN", "trader"): 12,
    ("VN", "processor"): 36,
    ("VN", "exporter"): 12,
    ("LA", "harvester"): 22,
    ("LA", "pre-processor"): 13,
    ("LA", "trader"): 10,
    ("LA", "processor"): 8,
    ("LA", "exporter"): 2,
    ("KH", "harvester"): 22,
    ("KH", "pre-processor"): 12,
    ("KH", "trader"): 10,
    ("KH", "processor"): 9,
    ("KH", "exporter"): 2,
}


@dataclass(frozen=True)
class District:
    """A district of a rattan area, with an approximate position of its centre [degrees] and
    how far from it positions are drawn [degrees]."""

    province: str
    name: str
    latitude: float
    longitude: float
    spread: float = 0.03
    province_local: str = ""
    name_local: str = ""


def _districts(
    province: str, local: str, spread: float, rows: list[tuple[str, str, float, float]]
) -> list[District]:
    return [
        District(province, name, lat, lon, spread, local, name_local)
        for name, name_local, lat, lon in rows
    ]


# Viet Nam: provinces and districts as named before the 2025 merger of provinces and the
# abolition of districts. Positions are approximate centres of the districts.
VN = {
    "Ha Noi": _districts(
        "Ha Noi",
        "Hà Nội",
        0.025,
        [
            ("Chuong My", "Chương Mỹ", 20.88, 105.66),
            ("Thach That", "Thạch Thất", 21.03, 105.55),
            ("Phu Xuyen", "Phú Xuyên", 20.73, 105.90),
            ("Ung Hoa", "Ứng Hòa", 20.72, 105.78),
            ("Thanh Oai", "Thanh Oai", 20.85, 105.77),
        ],
    ),
    "Thai Binh": _districts(
        "Thai Binh",
        "Thái Bình",
        0.025,
        [
            ("Vu Thu", "Vũ Thư", 20.43, 106.27),
            ("Hung Ha", "Hưng Hà", 20.59, 106.22),
            ("Kien Xuong", "Kiến Xương", 20.40, 106.42),
        ],
    ),
    "Ninh Binh": _districts(
        "Ninh Binh",
        "Ninh Bình",
        0.025,
        [("Kim Son", "Kim Sơn", 20.05, 106.08), ("Yen Khanh", "Yên Khánh", 20.17, 106.07)],
    ),
    "Thanh Hoa": _districts(
        "Thanh Hoa",
        "Thanh Hóa",
        0.04,
        [
            ("Thuong Xuan", "Thường Xuân", 19.90, 105.20),
            ("Quan Hoa", "Quan Hóa", 20.40, 105.07),
            ("Lang Chanh", "Lang Chánh", 20.15, 105.15),
            ("Nga Son", "Nga Sơn", 20.00, 105.97),
        ],
    ),
    "Nghe An": _districts(
        "Nghe An",
        "Nghệ An",
        0.05,
        [
            ("Con Cuong", "Con Cuông", 19.05, 104.85),
            ("Tuong Duong", "Tương Dương", 19.28, 104.45),
            ("Que Phong", "Quế Phong", 19.65, 104.90),
            ("Anh Son", "Anh Sơn", 18.93, 105.05),
        ],
    ),
    "Ha Tinh": _districts(
        "Ha Tinh",
        "Hà Tĩnh",
        0.05,
        [("Huong Khe", "Hương Khê", 18.18, 105.70), ("Huong Son", "Hương Sơn", 18.52, 105.40)],
    ),
    "Quang Binh": _districts(
        "Quang Binh",
        "Quảng Bình",
        0.04,
        [("Minh Hoa", "Minh Hóa", 17.78, 105.92), ("Tuyen Hoa", "Tuyên Hóa", 17.88, 106.02)],
    ),
    "Quang Nam": _districts(
        "Quang Nam",
        "Quảng Nam",
        0.04,
        [
            ("Nam Giang", "Nam Giang", 15.63, 107.60),
            ("Tay Giang", "Tây Giang", 15.88, 107.45),
            ("Dong Giang", "Đông Giang", 15.95, 107.72),
            ("Phuoc Son", "Phước Sơn", 15.40, 107.80),
            ("Dien Ban", "Điện Bàn", 15.89, 108.22),
        ],
    ),
    "Ho Chi Minh City": _districts(
        "Ho Chi Minh City",
        "Thành phố Hồ Chí Minh",
        0.012,
        [
            ("Go Vap", "Gò Vấp", 10.84, 106.67),
            ("Binh Tan", "Bình Tân", 10.77, 106.60),
            ("District 12", "Quận 12", 10.87, 106.65),
        ],
    ),
    "Binh Duong": _districts(
        "Binh Duong",
        "Bình Dương",
        0.02,
        [
            ("Thuan An", "Thuận An", 10.93, 106.71),
            ("Di An", "Dĩ An", 10.90, 106.77),
            ("Tan Uyen", "Tân Uyên", 11.08, 106.80),
        ],
    ),
}
LA = {
    "Vientiane Capital": _districts(
        "Vientiane Capital",
        "",
        0.015,
        [
            ("Xaysetha", "", 17.98, 102.65),
            ("Sikhottabong", "", 17.97, 102.56),
            ("Naxaythong", "", 18.12, 102.60),
            ("Hadxayfong", "", 17.88, 102.70),
        ],
    ),
    "Vientiane Province": _districts(
        "Vientiane Province",
        "",
        0.04,
        [
            ("Phonhong", "", 18.50, 102.42),
            ("Vang Vieng", "", 18.92, 102.45),
            ("Feuang", "", 18.70, 102.15),
            ("Thoulakhom", "", 18.35, 102.60),
        ],
    ),
    "Bolikhamxay": _districts(
        "Bolikhamxay",
        "",
        0.04,
        [
            ("Paksan", "", 18.40, 103.70),
            ("Pakkading", "", 18.30, 103.95),
            ("Khamkeut", "", 18.25, 104.80),
        ],
    ),
    "Khammouane": _districts(
        "Khammouane",
        "",
        0.04,
        [
            ("Thakhek", "", 17.42, 104.85),
            ("Nakai", "", 17.70, 105.15),
            ("Mahaxay", "", 17.42, 105.20),
        ],
    ),
    "Savannakhet": _districts(
        "Savannakhet",
        "",
        0.04,
        [
            ("Kaysone Phomvihane", "", 16.58, 104.78),
            ("Atsaphangthong", "", 16.80, 105.40),
            ("Xepon", "", 16.70, 106.22),
        ],
    ),
}
KH = {
    "Kampong Thom": _districts(
        "Kampong Thom",
        "",
        0.04,
        [
            ("Stueng Saen", "", 12.71, 104.89),
            ("Sandan", "", 12.85, 105.25),
            ("Prasat Sambour", "", 12.85, 105.05),
        ],
    ),
    "Kratie": _districts(
        "Kratie",
        "",
        0.04,
        [
            ("Kratie", "", 12.49, 106.02),
            ("Sambour", "", 12.77, 106.02),
            ("Snuol", "", 12.07, 106.42),
        ],
    ),
    "Stung Treng": _districts(
        "Stung Treng",
        "",
        0.04,
        [
            ("Stung Treng", "", 13.53, 105.97),
            ("Siem Pang", "", 14.12, 106.38),
            ("Sesan", "", 13.55, 106.20),
        ],
    ),
    "Mondulkiri": _districts(
        "Mondulkiri",
        "",
        0.04,
        [
            ("Saen Monourom", "", 12.45, 107.19),
            ("Keo Seima", "", 12.25, 106.90),
            ("Pech Chreada", "", 12.70, 107.10),
        ],
    ),
    "Kampong Chhnang": _districts(
        "Kampong Chhnang",
        "",
        0.03,
        [("Kampong Chhnang", "", 12.25, 104.67), ("Rolea B'ier", "", 12.20, 104.55)],
    ),
    "Phnom Penh": _districts(
        "Phnom Penh",
        "",
        0.012,
        [("Meanchey", "", 11.52, 104.93), ("Russey Keo", "", 11.62, 104.90)],
    ),
    "Siem Reap": _districts("Siem Reap", "", 0.02, [("Siem Reap", "", 13.36, 103.86)]),
}

#: Where each link of the chain is, by country: the provinces an SME of that role is drawn from.
CHAIN_PROVINCES: dict[tuple[str, str], list[str]] = {
    ("VN", "harvester"): ["Nghe An", "Quang Nam", "Thanh Hoa", "Ha Tinh", "Quang Binh"],
    ("VN", "pre-processor"): ["Nghe An", "Quang Nam", "Thanh Hoa", "Ha Tinh", "Quang Binh"],
    ("VN", "trader"): ["Thanh Hoa", "Nghe An", "Quang Nam", "Ha Noi"],
    ("VN", "processor"): ["Ha Noi", "Ha Noi", "Thai Binh", "Ninh Binh", "Thanh Hoa", "Quang Nam"],
    ("VN", "exporter"): ["Ha Noi", "Ho Chi Minh City", "Binh Duong"],
    ("LA", "harvester"): ["Bolikhamxay", "Khammouane", "Vientiane Province", "Savannakhet"],
    ("LA", "pre-processor"): ["Bolikhamxay", "Khammouane", "Vientiane Province", "Savannakhet"],
    ("LA", "trader"): ["Vientiane Capital", "Bolikhamxay", "Khammouane", "Savannakhet"],
    ("LA", "processor"): ["Vientiane Capital", "Vientiane Province"],
    ("LA", "exporter"): ["Vientiane Capital"],
    ("KH", "harvester"): ["Kampong Thom", "Kratie", "Stung Treng", "Mondulkiri"],
    ("KH", "pre-processor"): ["Kampong Thom", "Kratie", "Stung Treng", "Kampong Chhnang"],
    ("KH", "trader"): ["Kampong Thom", "Kratie", "Kampong Chhnang", "Phnom Penh"],
    ("KH", "processor"): ["Phnom Penh", "Kampong Chhnang", "Siem Reap"],
    ("KH", "exporter"): ["Phnom Penh"],
}
PROVINCES = {"VN": VN, "LA": LA, "KH": KH}

#: Employees by role: (fewest, most, most usual) — an illustrative spread.
EMPLOYEES = {
    "harvester": (6, 40, 12),
    "pre-processor": (3, 25, 8),
    "trader": (2, 12, 4),
    "processor": (10, 150, 30),
    "exporter": (40, 400, 90),
}

#: Largest micro, small and medium enterprise by employees alone, per country. Viet Nam:
#: Decree 80/2021/ND-CP (industry: 10, 100, 200); Lao PDR: Decree 25/GOV of 2017 (5, 50, 99);
#: Cambodia: the SME definition of the Ministry of Industry (10, 50, 100). [verify: the
#: decrees also count turnover or assets; the demo uses employees only]
SIZE_LIMITS = {"VN": (10, 100, 200), "LA": (5, 50, 99), "KH": (10, 50, 100)}

COUNTRY_NAMES = {"VN": "Viet Nam", "LA": "the Lao PDR", "KH": "Cambodia"}
PHONE_CODES = {"VN": "+84 90", "LA": "+856 20", "KH": "+855 12"}

# Name parts (invented names; common words and family names of each country).
VN_BRANDS = [
    ("Hung Thinh", "Hưng Thịnh"),
    ("Phat Dat", "Phát Đạt"),
    ("Thanh Cong", "Thành Công"),
    ("Hoang Long", "Hoàng Long"),
    ("Minh Phat", "Minh Phát"),
    ("An Phu", "An Phú"),
    ("Tan Tien", "Tân Tiến"),
    ("Hoa Binh", "Hòa Bình"),
    ("Quang Minh", "Quang Minh"),
    ("Duc Thanh", "Đức Thành"),
    ("Viet Hung", "Việt Hưng"),
    ("Phu Gia", "Phú Gia"),
    ("Thien Phuc", "Thiên Phúc"),
    ("Truong An", "Trường An"),
    ("Bao An", "Bảo An"),
    ("Hai Dang", "Hải Đăng"),
    ("Kim Ngan", "Kim Ngân"),
    ("Nam Viet", "Nam Việt"),
    ("Dai Phat", "Đại Phát"),
    ("Thanh Dat", "Thành Đạt"),
    ("Hong Ha", "Hồng Hà"),
    ("Song Lam", "Sông Lam"),
    ("Truong Son", "Trường Sơn"),
    ("Phuc Loc", "Phúc Lộc"),
    ("Tien Phong", "Tiên Phong"),
    ("Hop Thanh", "Hợp Thành"),
    ("Sao Mai", "Sao Mai"),
    ("Ngoc Anh", "Ngọc Anh"),
    ("Thai Son", "Thái Sơn"),
    ("Lac Hong", "Lạc Hồng"),
    ("Gia Bao", "Gia Bảo"),
    ("Thinh Vuong", "Thịnh Vượng"),
    ("Xuan Mai", "Xuân Mai"),
    ("Dong A", "Đông Á"),
    ("Huong Viet", "Hương Việt"),
    ("Mai Linh", "Mai Linh"),
]
VN_FAMILY = [
    ("Nguyen", "Nguyễn"),
    ("Tran", "Trần"),
    ("Le", "Lê"),
    ("Pham", "Phạm"),
    ("Hoang", "Hoàng"),
    ("Vu", "Vũ"),
    ("Dang", "Đặng"),
    ("Bui", "Bùi"),
    ("Do", "Đỗ"),
    ("Ngo", "Ngô"),
    ("Duong", "Dương"),
    ("Ly", "Lý"),
]
VN_GIVEN = [
    "Văn Hùng",
    "Thị Lan",
    "Thị Hoa",
    "Minh Tuấn",
    "Thị Hương",
    "Văn Dũng",
    "Thị Mai",
    "Văn Sơn",
    "Thu Hà",
    "Đức Long",
    "Thị Thảo",
    "Hoài Nam",
    "Thùy Linh",
    "Quốc Phong",
    "Thị Trang",
    "Văn Bình",
]
LA_FAMILY = [
    "Phommachanh",
    "Keomany",
    "Sisavath",
    "Vongsa",
    "Sengdara",
    "Inthavong",
    "Chanthavong",
    "Souvannavong",
    "Phoutthavong",
    "Douangchanh",
    "Xayavong",
    "Thammavong",
    "Luangrath",
    "Manivong",
    "Sayasone",
    "Khounphanh",
]
LA_GIVEN = [
    "Somphone",
    "Khamla",
    "Bounmy",
    "Souksavanh",
    "Phonsavanh",
    "Khampheng",
    "Noy",
    "Somsack",
    "Daovone",
    "Chansamone",
    "Thongsavanh",
    "Kongkeo",
    "Manivanh",
    "Sengphet",
    "Oudone",
    "Viengkham",
]
LA_VILLAGE_START = ["Phon", "Na", "Nong", "Houay", "Don", "Keng", "Tha", "Nam", "Pak"]
LA_VILLAGE_END = ["savang", "xay", "ngam", "kham", "thong", "kheo", "sy", "khoun", "deng", "kok"]
KH_FAMILY = ["Sok", "Chan", "Kim", "Heng", "Mao", "Ly", "Seng", "Chea", "Keo", "Meas", "Prak"]
KH_FAMILY += ["Ouk", "Nhem", "Sam", "Pen", "Touch", "Yim", "Sorn"]
KH_GIVEN = [
    "Dara",
    "Sophal",
    "Chantha",
    "Vanna",
    "Bopha",
    "Sokha",
    "Rithy",
    "Samnang",
    "Sreymom",
    "Kosal",
    "Vireak",
    "Pisey",
    "Sothea",
    "Channary",
    "Rachana",
    "Sopheap",
]
KH_VILLAGE_START = ["Trapeang", "Srae", "Prey", "Ou", "Kbal", "Toul", "Boeng", "Chrey"]
KH_VILLAGE_END = ["Thmei", "Chas", "Veng", "Thom", "Kandal", "Krasang", "Ampil", "Svay", "Kor"]

POSITIONS = {
    "harvester": ["Group leader"],
    "pre-processor": ["Owner"],
    "trader": ["Owner"],
    "processor": ["Director", "Production manager"],
    "exporter": ["Director", "Export manager"],
}


def ascii_slug(text: str) -> str:
    """``text`` as a lower-case ASCII slug ("Phú Vinh Đông" → "phu-vinh-dong")."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(
        char for char in decomposed if char.isascii() and (char.isalnum() or char == " ")
    )
    return "-".join(plain.lower().split())


def chain_quotas(count: int) -> dict[tuple[str, str], int]:
    """How many SMEs of each country and role make ``count`` in all, in the programme's shares
    (largest remainders; every country and role has at least one when ``count`` allows)."""
    total = sum(CHAIN_SHARES.values())
    exact = {key: count * share / total for key, share in CHAIN_SHARES.items()}
    quotas = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: (quotas[key] - exact[key], key))
    for key in by_remainder[: count - sum(quotas.values())]:
        quotas[key] += 1
    if count >= len(quotas):
        for key in sorted(quotas):
            if quotas[key] == 0:
                largest = max(quotas, key=lambda other: (quotas[other], other))
                quotas[largest] -= 1
                quotas[key] = 1
    return quotas


def size_class(country: str, employees: int) -> str:
    micro, small, medium = SIZE_LIMITS[country]
    if employees <= micro:
        return "micro"
    if employees <= small:
        return "small"
    return "medium" if employees <= medium else "large"


class _Namer:
    """Invents distinct enterprise and person names for one country."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def person(self, country: str) -> str:
        rng = self.rng
        if country == "VN":
            return f"{rng.choice(VN_FAMILY)[1]} {rng.choice(VN_GIVEN)}"
        if country == "LA":
            return f"{rng.choice(LA_GIVEN)} {rng.choice(LA_FAMILY)}"
        return f"{rng.choice(KH_FAMILY)} {rng.choice(KH_GIVEN)}"

    def village(self, country: str) -> str:
        rng = self.rng
        if country == "LA":
            return f"Ban {rng.choice(LA_VILLAGE_START)}{rng.choice(LA_VILLAGE_END)}"
        if country == "KH":
            return f"Phum {rng.choice(KH_VILLAGE_START)} {rng.choice(KH_VILLAGE_END)}"
        return f"Thon {rng.randint(1, 12)}"  # a hamlet by its number (thôn)

    def enterprise(self, country: str, role: str, district: District, village: str) -> tuple:
        """(name, local name) of a new SME; never one already given."""
        for attempt in range(60):
            name, local = self._candidate(country, role, district, village)
            if attempt >= 40:
                name, local = f"{name} {attempt - 38}", (f"{local} {attempt - 38}" if local else "")
            if name not in self.used:
                self.used.add(name)
                return name, local
        raise RuntimeError("could not invent a distinct name")  # pragma: no cover

    def _candidate(
        self, country: str, role: str, district: District, village: str
    ) -> tuple[str, str]:
        rng = self.rng
        if country == "VN":
            brand, brand_local = rng.choice(VN_BRANDS)
            place, place_local = district.name, district.name_local
            forms = {
                "harvester": [
                    (
                        f"{place} Rattan Harvesters' Group No. {rng.randint(1, 12)}",
                        f"Tổ khai thác mây {place_local} số {{n}}",
                    )
                ],
                "pre-processor": [
                    (f"{brand} Rattan Pre-processing Workshop", f"Cơ sở sơ chế mây {brand_local}")
                ],
                "trader": [(f"{brand} Rattan Trading", f"Hộ kinh doanh mây tre {brand_local}")],
                "processor": [
                    (f"{brand} Rattan and Bamboo Co., Ltd", f"Công ty TNHH mây tre {brand_local}"),
                    (
                        f"{place} Rattan Weaving Cooperative",
                        f"Hợp tác xã mây tre đan {place_local}",
                    ),
                    (f"{brand} Rattan Weaving Workshop", f"Cơ sở mây tre đan {brand_local}"),
                ],
                "exporter": [
                    (
                        f"{brand} Handicraft Export JSC",
                        f"Công ty cổ phần xuất khẩu thủ công mỹ nghệ {brand_local}",
                    ),
                    (
                        f"{brand} Rattan Furniture Co., Ltd",
                        f"Công ty TNHH nội thất mây {brand_local}",
                    ),
                ],
            }
            name, local = rng.choice(forms[role])
            if "{n}" in local:
                local = local.replace("{n}", name.rsplit(" ", 1)[1])
            return name, local
        family = rng.choice(LA_FAMILY if country == "LA" else KH_FAMILY)
        given = rng.choice(LA_GIVEN if country == "LA" else KH_GIVEN)
        owner = family if country == "LA" else f"{family} {given}"
        legal = "Sole Co., Ltd" if country == "LA" else "Co., Ltd"
        forms_other = {
            "harvester": [
                f"{village} Rattan Collectors' Group",
                f"{village} Rattan Community Group",
            ],
            "pre-processor": [
                f"{owner} Rattan Pre-processing Workshop",
                f"{village} Rattan Drying Yard",
            ],
            "trader": [f"{owner} Rattan Trading"],
            "processor": [f"{owner} Rattan Handicraft {legal}", f"{village} Rattan Weaving Group"],
            "exporter": [f"{owner} Rattan Export {legal}"],
        }
        return rng.choice(forms_other[role]), ""


def rattan_smes(count: int = 200, seed: int = RATTAN_SEED) -> list[dict[str, Any]]:
    """``count`` illustrative SMEs of the rattan programme, as plain records.

    Each record has the registry's fields of an enterprise (``name``, ``local_name``,
    ``country``, ``province``, ``district``, ``address``, ``sector``, ``size``, ``employees``,
    ``supply_chain_role``, ``latitude``, ``longitude``, ``phone``, ``email``), ``notes`` (what
    is made up) and ``contacts`` (dicts with ``name``, ``position``, ``phone``, ``email``).
    The same ``count`` and ``seed`` give the same records.
    """
    rng = random.Random(seed)
    namers = {country: _Namer(rng) for country in PROVINCES}
    records = []
    for (country, role), quota in sorted(chain_quotas(count).items()):
        for _ in range(quota):
            province = rng.choice(CHAIN_PROVINCES[country, role])
            district = rng.choice(PROVINCES[country][province])
            namer = namers[country]
            village = namer.village(country)
            name, local_name = namer.enterprise(country, role, district, village)
            low, high, mode = EMPLOYEES[role]
            employees = round(rng.triangular(low, high, mode))
            slug = ascii_slug(name)
            if len(slug) > 40:
                slug = slug[:41].rsplit("-", 1)[0]
            phone_code = PHONE_CODES[country]
            place = f"{district.name} district, {province}"
            address = place if country == "VN" and role != "harvester" else f"{village}, {place}"
            contacts = []
            for position in POSITIONS[role]:
                person = namer.person(country)
                contacts.append(
                    {
                        "name": person,
                        "position": position,
                        "phone": f"{phone_code} 000 {rng.randint(0, 9999):04d}",
                        "email": f"{ascii_slug(person).replace('-', '.')}@{slug}.example",
                    }
                )
            records.append(
                {
                    "name": name,
                    "local_name": local_name,
                    "country": country,
                    "province": province,
                    "district": district.name,
                    "address": address,
                    "sector": "rattan-bamboo",
                    "size": size_class(country, employees),
                    "employees": employees,
                    "supply_chain_role": role,
                    "latitude": _degrees(district.latitude + rng.uniform(-1, 1) * district.spread),
                    "longitude": _degrees(
                        district.longitude + rng.uniform(-1, 1) * district.spread
                    ),
                    "phone": f"{phone_code} 000 {rng.randint(0, 9999):04d}",
                    "email": f"info@{slug}.example",
                    "notes": (
                        f"{ILLUSTRATIVE} An SME of the rattan programme's supply chain "
                        f"({RATTAN_PROGRAMME}). The name, address, size, employees, position "
                        f"(near the centre of {district.name} district) and contacts are "
                        f"invented; {province} is a rattan area of {COUNTRY_NAMES[country]}."
                    ),
                    "contacts": contacts,
                }
            )
    rng.shuffle(records)
    return records


def _degrees(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


# ---------------------------------------------------------------------------------------------
# Loading


@dataclass
class DemoSummary:
    """What :func:`load_demo` made, and how long it took [s]."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        parts = ", ".join(f"{number} {name}" for name, number in self.counts.items())
        return f"{parts} (in {self.seconds:.1f} s)"


def has_notes(model: type) -> bool:
    """Whether ``model`` has a ``notes`` field (the demo says there what is made up)."""
    return any(field.name == "notes" for field in model._meta.get_fields())


def enterprise_fields(record: dict[str, Any], with_notes: bool) -> dict[str, Any]:
    """The model fields of a generated record: its notes in ``notes`` when the model has the
    field, else the word *illustrative* in its address."""
    fields = {key: value for key, value in record.items() if key not in {"contacts", "notes"}}
    if with_notes:
        fields["notes"] = record["notes"]
    else:
        fields["address"] = f"{fields.get('address', '')} (illustrative)".strip()
    return fields


def load_demo(
    rattan_count: int = 200,
    assessments: bool = True,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill an empty platform with the demo, in one transaction.

    Parameters
    ----------
    rattan_count
        How many SMEs of the rattan programme to generate (besides the Phu Vinh workshop).
    assessments
        Whether to make the six assessments from ``examples/`` (each computed twice: about
        0.4 s per computation).
    progress
        Told what is being done, step by step.

    Raises
    ------
    DemoAlreadyLoaded
        When the platform holds an organisation already; nothing is written.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from cleanprod.web.accounts.models import Organisation, Profile
    from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
    from cleanprod.web.enterprises.models import Contact, Enterprise
    from cleanprod.web.library.models import CaseStudy
    from cleanprod.web.trainings.models import Course, Evaluation, Participant, Session

    say = progress or (lambda message: None)
    started = time.perf_counter()
    User = get_user_model()
    with transaction.atomic():
        existing = Organisation.objects.count()
        if existing:
            raise DemoAlreadyLoaded(
                f"The platform already holds {existing} organisation(s): the demo is loaded "
                "only into an empty platform, so that made-up records are never mixed with "
                "real ones. To try the demo, use a new data folder (CLEANPROD_DATA_DIR=... or "
                "remove data/cleanprod.sqlite3) or an empty PostgreSQL database."
            )
        say("organisations and people")
        organisations = {
            spec.key: Organisation.objects.create(
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                country=spec.country,
                website=spec.website,
                notes=spec.notes,
            )
            for spec in ORGANISATIONS
        }
        password = make_password(DEMO_PASSWORD)  # hashed once: it takes ~0.3 s
        users: dict[str, Any] = {}
        for person in DEMO_USERS:
            user = User(
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@demo.example",
                password=password,
            )
            user.save()
            users[person.username] = user

        say("the enterprises of the examples")
        with_notes = has_notes(Enterprise)
        plants = {}
        for plant in PLANTS:
            record = {
                "name": plant.name,
                "local_name": plant.local_name,
                "country": plant.country,
                "province": plant.province,
                "district": plant.district,
                "address": f"{plant.district} district, {plant.province}",
                "sector": plant.sector,
                "size": size_class(plant.country, plant.employees),
                "employees": plant.employees,
                "supply_chain_role": plant.supply_chain_role,
                "latitude": _degrees(plant.latitude),
                "longitude": _degrees(plant.longitude),
                "notes": plant.notes,
            }
            plants[plant.key] = Enterprise.objects.create(
                organisation=organisations[plant.organisation],
                **enterprise_fields(record, with_notes),
            )
        for person in DEMO_USERS:
            Profile.objects.create(
                user=users[person.username],
                organisation=organisations[person.organisation],
                role=person.role,
                language=person.language,
                enterprise=plants[person.enterprise] if person.enterprise else None,
            )

        say(f"{rattan_count} SMEs of the rattan programme")
        registrar = {"VN": "vncpc", "LA": "lncci", "KH": "acc"}
        rng = random.Random(RATTAN_SEED + 1)
        for record in rattan_smes(rattan_count):
            enterprise = Enterprise.objects.create(
                organisation=organisations[registrar[record["country"]]],
                **enterprise_fields(record, with_notes),
            )
            for contact in record["contacts"]:
                Contact.objects.create(enterprise=enterprise, **contact)
            consultants = assigned_consultants(record, rng)
            if consultants:
                enterprise.consultants.add(*(users[name] for name in consultants))
        plants["phu-vinh"].consultants.add(users["wwf-consultant"])

        assessed: dict[str, Any] = {}

        if assessments and not EXAMPLES.is_dir():
            say(f"no assessments: the examples are not at {EXAMPLES} (a source checkout has them)")
        elif assessments:
            for plant in PLANTS:
                say(f"assessment of {plant.name} (examples/{plant.example}.yaml)")
                assessed[plant.key] = _assess(plants[plant.key], plant, users[plant.lead])

        say("the four-module CPA course of 2007, its participants and evaluations")
        load_training(organisations, users, plants, assessed)
        if assessed:
            say("case studies of the implemented options")
            publish_cases(users, assessed)

    summary = DemoSummary(
        {
            "organisations": Organisation.objects.count(),
            "users": User.objects.count(),
            "enterprises": Enterprise.objects.count(),
            "contacts": Contact.objects.count(),
            "assessments": Assessment.objects.count(),
            "versions": AssessmentVersion.objects.count(),
            "options": AssessmentOption.objects.count(),
            "courses": Course.objects.count(),
            "sessions": Session.objects.count(),
            "participants": Participant.objects.count(),
            "evaluations": Evaluation.objects.count(),
            "published case studies": CaseStudy.objects.filter(status="published").count(),
        },
        time.perf_counter() - started,
    )
    return summary


def assigned_consultants(record: dict[str, Any], rng: random.Random) -> list[str]:
    """The demo consultants assigned to a generated SME: VNCPC's to a third of the Vietnamese
    processors, LNCPC's to half of the Lao ones and VNCPC's to a third of the Cambodian ones
    (CP assessments across borders), WWF's to every exporter (certified exports)."""
    country, role = record["country"], record["supply_chain_role"]
    chosen = []
    if role == "processor":
        if country == "VN" and rng.random() < 1 / 3:
            chosen.append(rng.choice(["vncpc-consultant", "vncpc-consultant2"]))
        elif country == "LA" and rng.random() < 1 / 2:
            chosen.append("lncpc-consultant")
        elif country == "KH" and rng.random() < 1 / 3:
            chosen.append("vncpc-consultant2")
    if role == "exporter":
        chosen.append("wwf-consultant")
    return chosen


def _assess(enterprise: Any, plant: Plant, lead: Any) -> Any:
    """The example's assessment of ``enterprise`` in two versions: the baseline (balances and
    costs) and then the options with their feasibility, the options of :data:`DEMO_CASES`
    marked implemented (see :func:`implemented_options`); returns the assessment."""
    from cleanprod.io import read_document
    from cleanprod.web.assessments.models import Assessment
    from cleanprod.web.assessments.saving import save_document

    source = EXAMPLES / f"{plant.example}.yaml"
    document = read_document(source)
    record = Assessment.objects.create(
        enterprise=enterprise,
        title=document.title or plant.name,
        year=plant.year,
        stage=plant.stage,
        lead_consultant=lead,
    )
    save_document(
        record,
        document.model_copy(update={"options": []}),
        lead,
        started_from=0,
        comment="Baseline from the plant visits: balances and costs (illustrative figures)",
        source_name=source.name,
    )
    save_document(
        record,
        implemented_options(document, plant.example),
        lead,
        started_from=1,
        comment="CP options, their feasibility and the options implemented so far "
        "(illustrative figures and dates)",
        source_name=source.name,
    )
    return record


# ---------------------------------------------------------------------------------------------
# Case studies of the implemented options (illustrative)

#: example → (option, implemented on or None when the example says so already, anonymised):
#: the examples implement three options; the demo marks a plausible set of their
#: "implement now" options implemented (the low-cost ones a plant does first), so that the
#: library has cases to show. The dates are illustrative.
DEMO_CASES: dict[str, tuple[tuple[str, str | None, bool], ...]] = {
    "lao-steel-rolling": (
        ("furnace-combustion-control", None, False),
        ("mill-delay-strategy", "2008-01-15", False),
        ("scrap-weighing", "2008-02-29", False),
        ("water-meter", "2008-04-10", True),
    ),
    "lao-soft-drink": (
        ("repair-supply-leak", None, False),
        ("caustic-control", "2008-01-20", False),
        ("co2-valves-and-purge", "2008-01-31", False),
        ("boiler-combustion-tuning", "2008-03-14", True),
        ("compressed-air-leaks", "2008-04-30", False),
    ),
    "lao-furniture": (
        ("compressed-air-and-idle", None, False),
        ("timber-receiving-tally", "2008-01-10", False),
        ("kiln-schedule", "2008-03-31", False),
        ("solvent-recovery", "2008-05-15", True),
    ),
    "lao-agro-processing": (
        ("calibrate-fuel-meter", "2008-01-25", True),
        ("extractor-settings", "2008-02-20", True),
        ("furnace-tuning-insulation", "2008-04-18", True),
    ),
    "vn-rattan-furniture": (
        ("weigh-peeling-waste", "2025-02-28", False),
        ("oil-bath-lid", "2025-04-15", False),
        ("peroxide-bath-control", "2025-05-20", False),
    ),
    "vn-silk-dyeing": (
        ("fix-rinse-records", "2025-01-31", True),
        ("covered-pots", "2025-03-10", True),
        ("led-lighting", "2025-06-30", True),
    ),
}
#: Cases left as drafts (the library's drafts page has something to show).
DRAFT_CASES = {
    ("lao-furniture", "solvent-recovery"),
    ("vn-rattan-furniture", "peroxide-bath-control"),
}

#: Vietnamese translations (title, summary) of a few cases.
CASE_TRANSLATIONS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("vn-rattan-furniture", "weigh-peeling-waste"): (
        "vi",
        "Cân phế liệu chuốt mây và kiểm tra tỷ lệ lõi, vỏ của từng máy mỗi tuần",
        "Xưởng cân toàn bộ phế liệu chuốt mây và so sánh tỷ lệ thu hồi lõi và vỏ của từng "
        "máy mỗi tuần; các máy chỉnh sai được phát hiện và điều chỉnh lại. Số liệu minh họa.",
    ),
    ("vn-rattan-furniture", "oil-bath-lid"): (
        "vi",
        "Đậy nắp và cách nhiệt bể luộc dầu, dùng nhiệt kế để giữ đúng nhiệt độ",
        "Bể luộc dầu được đậy nắp, bọc cách nhiệt và theo dõi bằng nhiệt kế: hao ít dầu và "
        "củi hơn, mây được xử lý đồng đều hơn. Số liệu minh họa.",
    ),
    ("vn-silk-dyeing", "covered-pots"): (
        "vi",
        "Đậy nắp nồi chiết màu và bể nhuộm, cách nhiệt bếp",
        "Đậy nắp nồi chiết màu và bể nhuộm, bọc cách nhiệt bếp: cần ít củi hơn để giữ nhiệt "
        "độ nhuộm. Số liệu minh họa.",
    ),
    ("vn-silk-dyeing", "led-lighting"): (
        "vi",
        "Thay đèn huỳnh quang và bóng đèn sợi đốt bằng đèn LED",
        "Xưởng thay đèn huỳnh quang và bóng đèn sợi đốt bằng đèn LED: giảm điện năng chiếu "
        "sáng mà vẫn đủ ánh sáng cho thợ dệt. Số liệu minh họa.",
    ),
}

CASE_NOTE = (
    "Illustrative demo case: the figures and dates are those of one of cleanprod's example "
    "assessments (typical sector values and assumptions), not a plant's own records."
)


def implemented_options(document: Any, example: str) -> Any:
    """The example's document with the options of :data:`DEMO_CASES` marked implemented on
    their (illustrative) date."""
    import datetime as dt

    dates = {option: date for option, date, _ in DEMO_CASES.get(example, ()) if date}
    options = []
    for option in document.options:
        if option.id in dates:
            when = dt.date.fromisoformat(dates[option.id])
            option = option.model_copy(
                update={"status": "implemented", "dates": {**option.dates, "implemented": when}}
            )
        options.append(option)
    return document.model_copy(update={"options": options})


def _summary(description: str | None, title: str) -> str:
    """The first sentences of an option's description (at most about 400 characters)."""
    text = " ".join((description or "").split())
    if not text:
        return f"{title}."
    summary = ""
    for sentence in text.replace(". ", ".\n").splitlines():
        if summary and len(summary) + len(sentence) > 400:
            break
        summary = f"{summary} {sentence}".strip()
    return summary[:590]


def publish_cases(users: dict[str, Any], assessed: dict[str, Any]) -> None:
    """A case study of every option of :data:`DEMO_CASES`, started by the assessment's lead
    consultant and (but for :data:`DRAFT_CASES`) published by the centre's administrator."""
    from cleanprod.services.documents import document_from_json
    from cleanprod.web.library.publishing import (
        publish,
        results_of,
        save_translation,
        start_case_study,
    )

    publishers = {"lncpc": users["lncpc-admin"], "vncpc": users["vncpc-admin"]}
    for plant in PLANTS:
        assessment = assessed.get(plant.key)
        if assessment is None:
            continue
        results = results_of(assessment)
        options = {option.id: option for option in document_from_json(assessment.document).options}
        for option_id, _date, anonymised in DEMO_CASES.get(plant.example, ()):
            option = options[option_id]
            case = start_case_study(
                assessment,
                option_id,
                users[plant.lead],
                values={
                    "summary": _summary(option.description, option.title),
                    "action": " ".join((option.description or "").split()),
                    "outcome": CASE_NOTE,
                    "anonymised": anonymised,
                },
                results=results,
            )
            translation = CASE_TRANSLATIONS.get((plant.example, option_id))
            if translation:
                language, title, summary = translation
                save_translation(case, language, {"title": title, "summary": summary})
            if (plant.example, option_id) not in DRAFT_CASES:
                publish(case, publishers[plant.organisation])


# ---------------------------------------------------------------------------------------------
# The four-module CPA course of 2007 (the course is real; its participants are illustrative)

#: The seed of the generator of the participants, their attendance and evaluations.
TRAINING_SEED = 2007

#: (first day, last day) of each module's two classes (A and B), in Vientiane: the programme
#: ran the four modules in 2007; the days are illustrative.
TRAINING_DAYS: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {
    1: (("2007-03-12", "2007-03-16"), ("2007-03-19", "2007-03-23")),
    2: (("2007-06-04", "2007-06-08"), ("2007-06-11", "2007-06-15")),
    3: (("2007-09-10", "2007-09-14"), ("2007-09-17", "2007-09-21")),
    4: (("2007-11-26", "2007-11-30"), ("2007-12-03", "2007-12-07")),
}
PARTICIPANT_COUNT = 120

#: (sex, given names) by country; Vietnamese and Khmer names are written family name first.
GIVEN_NAMES = {
    "LA": {
        "female": [
            "Vanida",
            "Manivanh",
            "Noy",
            "Daovone",
            "Chanthala",
            "Malayvanh",
            "Latsamy",
            "Phetsamone",
            "Khamphoui",
            "Viengkham",
            "Sengdavanh",
            "Souphaphone",
        ],
        "male": [
            "Somphone",
            "Bounmy",
            "Khampheng",
            "Somsack",
            "Thongsavanh",
            "Kongkeo",
            "Sengphet",
            "Oudone",
            "Phonsavanh",
            "Bounthanh",
            "Khamsing",
            "Somchay",
            "Vilaysack",
        ],
    },
    "VN": {
        "female": [
            "Thị Lan",
            "Thị Hoa",
            "Thị Hương",
            "Thị Mai",
            "Thu Hà",
            "Thị Thảo",
            "Thùy Linh",
            "Thị Trang",
            "Ngọc Anh",
            "Thị Hạnh",
        ],
        "male": [
            "Văn Hùng",
            "Minh Tuấn",
            "Văn Dũng",
            "Văn Sơn",
            "Đức Long",
            "Hoài Nam",
            "Quốc Phong",
            "Văn Bình",
            "Quang Huy",
            "Mạnh Cường",
        ],
    },
    "KH": {
        "female": ["Bopha", "Sreymom", "Channary", "Rachana", "Sokunthea", "Sreyleak"],
        "male": ["Dara", "Sophal", "Rithy", "Samnang", "Kosal", "Vireak", "Visal", "Piseth"],
    },
}
TRAINEE_POSITIONS = {
    "plant": [
        "Production manager",
        "Process engineer",
        "Maintenance supervisor",
        "Quality control officer",
        "Environment officer",
        "Shift supervisor",
        "Accountant",
    ],
    "sme": ["Owner", "Director", "Production manager"],
    "lncpc": ["CP consultant (trainee)"],
    "mic": ["Technical officer, Department of Industry"],
    "lncci": ["Business advisory officer"],
    "vncpc": ["CP expert (observer)"],
    "acc": ["Officer (observer)"],
}
#: (affiliation, how many of 120): staff of the four demonstration plants, of other Lao
#: enterprises, of the host ministry and the partners.
TRAINEE_MIX = (
    ("plant", 40),
    ("sme", 30),
    ("lncpc", 16),
    ("mic", 14),
    ("lncci", 10),
    ("vncpc", 6),
    ("acc", 4),
)
#: What the groups do at their plant after each module.
ASSIGNMENT_TASKS = {
    1: "Baseline data, flow diagram, material and energy balances of the plant",
    2: "Costs of the waste streams, their causes, and Cleaner Production options",
    3: "Technical, financial and environmental feasibility of the options",
    4: "Implementation plan of the selected options and how to monitor their results",
}
#: A few comments trainees wrote on the evaluation form, by module.
EVALUATION_COMMENTS = {
    1: [
        "The material balance exercise was hard but very useful.",
        "More time for the flow diagram at the plant, please.",
        "Translate the handouts into Lao.",
    ],
    2: [
        "Assigning costs to waste streams opened our eyes.",
        "The energy efficiency part was too short.",
        "Good discussion of our plant's results.",
    ],
    3: [
        "The payback calculation should be practised more.",
        "The examples from steel and food plants were relevant.",
        "The CDM session was too theoretical.",
    ],
    4: [
        "Monitoring the results is the step we needed most.",
        "We want a follow-up visit after the options are implemented.",
        "Very good course; certificates please.",
    ],
}


def _sex_and_name(rng: random.Random, country: str) -> tuple[str, str]:
    sex = "female" if rng.random() < 0.42 else "male"
    given = rng.choice(GIVEN_NAMES[country][sex])
    if country == "LA":
        return sex, f"{given} {rng.choice(LA_FAMILY)}"
    if country == "VN":
        return sex, f"{rng.choice(VN_FAMILY)[1]} {given}"
    return sex, f"{rng.choice(KH_FAMILY)} {given}"


def load_training(
    organisations: dict[str, Any],
    users: dict[str, Any],
    plants: dict[str, Any],
    assessed: dict[str, Any],
    seed: int = TRAINING_SEED,
) -> Any:
    """The four-module CPA course run by LNCPC, each module given to two classes in
    Vientiane in 2007, with :data:`PARTICIPANT_COUNT` illustrative participants, their
    attendance, in-plant assignments on the four Lao plants' assessments (when they were
    made) and evaluations; the same ``seed`` gives the same records. Returns the course."""
    import datetime as dt

    from cleanprod.web.enterprises.models import Enterprise
    from cleanprod.web.trainings.defaults import create_default_course
    from cleanprod.web.trainings.models import (
        Assignment,
        Attendance,
        Evaluation,
        Participant,
        Score,
        Session,
    )

    rng = random.Random(seed)
    # The 2007 course of the Lao programme was given by the Viet Nam centre, which carried
    # out the programme (seed 003: its final report); the Lao centre was founded in 2010.
    runner = organisations["vncpc"]
    course = create_default_course(runner)
    modules = {module.number: module for module in course.modules.all()}
    questions = list(course.questions.all())
    lao_plants = [plant for plant in PLANTS if plant.organisation == "lncpc"]
    smes = list(
        Enterprise.objects.filter(country="LA")
        .exclude(pk__in=[plants[plant.key].pk for plant in lao_plants])
        .order_by("pk")
    )

    people = []
    for affiliation, share in TRAINEE_MIX:
        for number in range(share * PARTICIPANT_COUNT // 120):
            country = {"vncpc": "VN", "acc": "KH"}.get(affiliation, "LA")
            sex, name = _sex_and_name(rng, country)
            fields: dict[str, Any] = {}
            if affiliation == "plant":
                fields["enterprise"] = plants[lao_plants[number % len(lao_plants)].key]
            elif affiliation == "sme":
                if smes:
                    fields["enterprise"] = smes[number % len(smes)]
            else:
                fields["organisation"] = organisations[affiliation]
            position = rng.choice(TRAINEE_POSITIONS[affiliation])
            people.append(
                Participant.objects.create(
                    name=name,
                    sex=sex,
                    position=f"{position} (illustrative)",
                    email=f"{ascii_slug(name).replace('-', '.')}{len(people) + 1}@demo.example",
                    registered_by=runner,
                    **fields,
                )
            )
    classes = {"A": people[0::2], "B": people[1::2]}

    trainers = [users["lncpc-consultant"], users["vncpc-consultant"]]
    notes = (
        f"{ILLUSTRATIVE} The course and its modules are those of {LAO_PROGRAMME}, which gave "
        "the four modules in Vientiane in 2007; the days, the classes, the participants (names, "
        "sex, positions), their attendance, groups and evaluations are made up."
    )
    attendances, evaluations, moods = [], [], {}
    for number, days in TRAINING_DAYS.items():
        for (first, last), (label, members) in zip(days, classes.items(), strict=True):
            session = Session.objects.create(
                module=modules[number],
                start_date=dt.date.fromisoformat(first),
                end_date=dt.date.fromisoformat(last),
                place=f"Vientiane (class {label})",
                province="Vientiane Capital",
                country="LA",
                organisation=runner,
                trainer_names="Chief technical adviser of the project\nVNCPC experts",
                notes=notes,
            )
            session.trainers.add(*trainers)
            length = session.length_in_days
            present = []
            for person in members:
                attended = rng.random() < 0.9
                days_there = None
                if attended and rng.random() < 0.15:
                    days_there = Decimal(rng.randint(2, length - 1))
                attendances.append(
                    Attendance(
                        session=session, participant=person, attended=attended, days=days_there
                    )
                )
                if attended:
                    present.append(person)
            if assessed:
                groups = [present[index :: len(lao_plants)] for index in range(len(lao_plants))]
                for index, (plant, group) in enumerate(zip(lao_plants, groups, strict=True)):
                    assessment = assessed.get(plant.key)
                    if assessment is None:
                        continue
                    assignment = Assignment.objects.create(
                        module=modules[number],
                        session=session,
                        title=f"Class {label}, group {index + 1}: {plant.name}",
                        tasks=ASSIGNMENT_TASKS[number],
                        assessment=assessment,
                        due_date=session.end_date + dt.timedelta(weeks=6),
                        status="completed" if number == 4 else "presented",
                    )
                    assignment.participants.set(group)
            moods[session.pk] = rng.uniform(-0.4, 0.4)
            for person in present:
                if rng.random() < 0.15:
                    continue  # no form handed in
                anonymous = rng.random() < 0.25
                comment = ""
                if rng.random() < 0.08:
                    comment = rng.choice(EVALUATION_COMMENTS[number])
                evaluations.append(
                    Evaluation(
                        session=session,
                        participant=None if anonymous else person,
                        comments=comment,
                        entered_by=users["vncpc-admin"],
                    )
                )
    Attendance.objects.bulk_create(attendances)
    Evaluation.objects.bulk_create(evaluations)
    scores = []
    for evaluation in evaluations:
        for question in questions:
            value = round(rng.triangular(2, 5.49, 4.4) + moods[evaluation.session_id])
            value = min(5, max(1, value))
            scores.append(Score(evaluation=evaluation, question=question, value=value))
    Score.objects.bulk_create(scores)
    return course


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(user name, full name, role, organisation) of the demo users still on the platform."""
    from cleanprod.web.accounts.models import Profile

    names = [person.username for person in DEMO_USERS]
    profiles = {
        profile.user.username: profile
        for profile in Profile.objects.filter(user__username__in=names).select_related(
            "user", "organisation", "enterprise"
        )
    }
    rows = []
    for name in names:
        profile = profiles.get(name)
        if profile is None:
            continue
        where = str(profile.organisation)
        if profile.enterprise is not None:
            where = f"{profile.enterprise} ({where})"
        rows.append((name, profile.user.get_full_name(), str(profile.get_role_display()), where))
    return rows


def logins_text(rows: list[tuple[str, str, str, str]]) -> str:
    """The demo logins as a table to print."""
    if not rows:
        return ""
    width = max(len(row[0]) for row in rows)
    role_width = max(len(row[2]) for row in rows)
    lines = [f"Demo logins (every one with the password {DEMO_PASSWORD}):"]
    lines += [f"  {name:<{width}}  {role:<{role_width}}  {where}" for name, _, role, where in rows]
    return "\n".join(lines)
