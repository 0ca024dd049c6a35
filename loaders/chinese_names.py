"""Pools of Chinese name parts, and small deterministic helpers that combine them into place, unit and
person names for the synthetic region generator.

Every helper takes the caller's ``random.Random`` and draws from tuples (never sets), so the same seed
gives the same names. The pools lean on the seed reports (Jining, Xianning, Chengdu, an Inner-Mongolian
banner) so that names look like the ones in real ledgers; all combinations are fictitious, and person
names are made-up pseudonyms, never real people. Pools are written as space-separated words to keep
them dense and readable.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import NamedTuple


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class Province(NamedTuple):
    name: str
    short: str
    code: int  # first two digits of the administrative area code
    cities: tuple[str, ...]
    lat: float
    lon: float


PROVINCES = (
    Province(
        "山东省",
        "山东",
        37,
        _words("济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽"),
        36.4,
        117.9,
    ),
    Province("湖北省", "湖北", 42, _words("武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州"), 30.9, 112.3),
    Province(
        "四川省",
        "四川",
        51,
        _words("成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安"),
        30.6,
        104.1,
    ),
    Province(
        "内蒙古自治区",
        "内蒙古",
        15,
        _words("呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布"),
        42.5,
        113.5,
    ),
)

DISTRICT_STEMS = _words(
    "任城 兖州 曲阜 邹城 微山 鱼台 金乡 嘉祥 汶上 泗水 梁山 东平 历下 槐荫 天桥 历城 长清 章丘 咸安 嘉鱼 通城 崇阳 "
    "通山 赤壁 锦江 青羊 金牛 武侯 成华 新都 温江 双流 郫都 扎鲁特 科尔沁 开鲁 奈曼 库伦 宁阳 肥城 新泰 岱岳 泰山 "
    "莒南 沂水 兰陵 平邑 蒙阴 临沭 郯城 河东 罗庄 兰山 东昌 茌平 阳谷 东阿 高唐 临清 牡丹 定陶 成武 巨野 郓城 "
    "鄄城 东明 峄城 台儿庄 山亭 滕州 薛城 城关 江北 高新 经开 北湖 南湖 西城 东城 平阴 商河 莱芜 钢城 博山 临淄 "
    "周村 桓台 高青 沂源 寒亭 坊子 奎文 青州 诸城 寿光 安丘 高密 昌邑"
)
# A city's own county-level areas by kind, where a demo is placed in a real city a Chinese reader knows: the `make
# run` city is 黄冈, which held 兖州区, 科尔沁区 and 昌邑区 (districts of three other provinces) when drawn from the
# national pool above. Urban slots beyond its one real 区 take the names of its lakes and zones (遗爱湖, 白潭湖,
# 龙感湖).
CITY_DISTRICTS: dict[str, dict[str, tuple[str, ...]]] = {
    "黄冈": {
        "区": _words("黄州 遗爱湖 白潭湖 龙感湖"),
        "县": _words("团风 红安 罗田 英山 浠水 蕲春 黄梅"),
        "县级市": _words("麻城 武穴"),
    },
}


def local_district(city: str, kind: str, drawn: str, used: set[str]) -> str:
    """The name of a city's district of this kind: its own next unused one (``CITY_DISTRICTS``), else ``drawn``
    (from ``DISTRICT_STEMS``, drawn in any case so that every later draw of the generator stays put). Added to
    ``used``.

    >>> used = set()
    >>> local_district("黄冈", "区", "兖州", used), local_district("黄冈", "区", "昌邑", used)
    ('黄州', '遗爱湖')
    >>> local_district("济宁", "县", "汶上", used)
    '汶上'
    """
    own = CITY_DISTRICTS.get(city, {})
    name = next((n for n in own.get(kind, ()) if n not in used), drawn)
    used.add(name)
    return name


PLACE_STEMS = _words(
    "太白 古槐 金城 运河 南池 东门 西关 北湖 翠竹 阳光 幸福 和平 光明 建设 红星 永安 富康 康乐 安居 锦绣 书香 文昌 "
    "凤凰 龙城 梧桐 杏林 柳园 荷花 银座 鸿顺 祥和 瑞丰 泰和 华泰 盛世 东方 新华 解放 人民 胜利 团结 友谊 和谐 振兴 "
    "金宇 琵琶 仙营 越河 观音阁 济阳 南苑 唐口 长沟 喻屯 二十里铺 李营 接庄 柳行 洸河 红旗 车站 火炬 常青 丰收 向阳 "
    "朝阳 东风 长征 金叶 温泉 浮山 马柏 永丰 桂花 青龙 白马 清水 石桥 杨柳 双河 三里 五里 七里 十里 大庄 小营 黄河 "
    "长江 嘉禾 丽园 玉泉 金桥 银河 星光 紫薇 海棠 牡丹 芙蓉 兰亭 竹园 松林 枫林 橡树湾 香榭 明珠 龙湖 碧桂 万科 "
    "绿地 保利 中海 华润 东湖 西湖 北园 新城 老城 府前 学府 文化 体育 滨河 沿河 湖滨 山水 宝相寺 崇觉寺 铁塔 声远 "
    "汇翠 华联 贵和 万达 吾悦 宝龙 金街 百花 天和 仁和 永和 德馨 怡和 西苑 东苑 凤鸣 鹤鸣 青年 工人 五一 八一 前进"
)
COMPOUND_STYLES = _words(
    "花园 家园 新村 华庭 名苑 雅居 嘉园 公馆 名邸 丽景 锦苑 世家 新城 佳苑 福苑 小区 春天 府邸 庄园 馨园"
)
WORK_COMPOUNDS = _words(
    "电业局宿舍 棉纺厂家属院 粮食局家属院 一中教师宿舍 供销社宿舍 机械厂家属院 卫生局宿舍 水利局家属院 邮电宿舍 "
    "物资局家属院 化肥厂生活区 铁路宿舍"
)
BUILDING_KIND_STYLES = {
    "商务楼宇": _words("大厦 国际大厦 金融中心 商务中心 写字楼 财富中心"),
    "商业综合体": _words("购物中心 广场 万达广场 吾悦广场 商业广场 百货大楼"),
    "专业市场": _words("农贸市场 建材市场 小商品市场 家具城 汽配城"),
    "产业园楼宇": _words("创业大厦 科创中心 孵化器 电商产业园A座 电商产业园B座 智造中心"),
}
# Org name = what it covers (or the unit's name) + this suffix: 金城社区党委, 金城小区党支部, XX有限公司党支部.
ORG_SUFFIX = {
    "单位党委": "党委",
    "单位党总支": "党总支",
    "单位党支部": "党支部",
    "物业企业党组织": "党支部",
    "社区党委": "党委",
    "社区党总支": "党总支",
    "社区党支部": "党支部",
    "社区大党委": "大党委",
    "社区联合党委": "联合党委",
    "楼宇党委": "党委",
    "网格党支部": "党支部",
    "小区党支部": "党支部",
    "楼栋党小组": "党小组",
    "商圈综合党委": "综合党委",
    "商圈联合党委": "联合党委",
}
ZONE_SUFFIX = {"商圈": "路商圈", "园区": "产业园", "市场": "商贸城", "街区": "步行街区"}

INDUSTRIES = _words(
    "商贸 餐饮管理 建筑工程 科技 电子商务 物流 文化传媒 医药连锁 机械制造 食品 家政服务 教育咨询 汽车销售 装饰工程 "
    "农业开发 网络科技 纺织 新材料 环保科技 人力资源 广告 酒店管理 健康管理 房地产经纪 印务 供应链管理"
)
PRODUCTS = _words("蔬菜种植 小麦种植 果蔬 苗木 食用菌 畜牧养殖 水产养殖 农机服务 中药材 大蒜")
SOCIAL_ORG_FORMS = _words(
    "社会工作服务中心 志愿服务协会 养老服务中心 文化艺术团 心理咨询服务中心 调解志愿者协会 青少年服务中心 慈善义工协会"
)
DEPARTMENTS = _words(
    "教育和体育局 卫生健康局 民政局 人力资源和社会保障局 住房和城乡建设局 城市管理局 退役军人事务局 医疗保障局 "
    "应急管理局 交通运输局 司法局 自然资源局 统计局"
)
# Stationed-unit templates by unit kind: {city} {district} {street} {stem} {dept} {n} are filled in.
STATIONED_TEMPLATES = {
    "机关": _words(
        "{district}{dept} {stem}派出所 {district}税务局{stem}税务分局 {district}市场监督管理局{stem}所 {street}司法所 "
        "{district}人民法院{stem}人民法庭 {city}市{dept} {district}消防救援大队{stem}消防站"
    ),
    "事业单位": _words(
        "{city}市第{n}人民医院 {city}市中医院 {district}人民医院 {district}{stem}小学 {district}第{n}中学 "
        "{city}市{stem}实验学校 {street}社区卫生服务中心 {district}图书馆 {city}市{stem}幼儿园 "
        "{district}{stem}中心卫生院 {city}职业技术学院"
    ),
    "国有企业": _words(
        "国网{city}供电公司 国网{district}供电公司{stem}供电所 中国工商银行{city}{stem}支行 "
        "中国建设银行{city}{stem}支行 中国农业银行{district}{stem}支行 {city}农商银行{stem}支行 "
        "中国移动{city}分公司{stem}营业部 中国联通{district}分公司 中国邮政{city}{stem}邮政支局 "
        "{city}公交集团{stem}分公司 {city}水务集团{stem}供水所 中国石化{city}{stem}加油站 {city}城投集团 "
        "中国电信{district}分公司"
    ),
}
VILLAGE_ENDS = _words("庄 楼 集 屯 营 店 寨 洼 庙 桥 湾 口 园 坊 岭 官庄 河 堂")
MONGOLIAN_HEADS = _words("巴彦 乌兰 查干 哈日 额尔敦 宝力高 巴音 阿拉坦 白音 那仁 格日勒 乌力吉")
MONGOLIAN_TAILS = _words("塔拉 高勒 花 宝力格 敖包 诺尔 温都尔 套海 浩特 乌苏")
NUMERALS = _words("一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十")

SURNAMES = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余"
    "潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_NAMES = _words(
    "建国 红梅 志强 晓燕 伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 玉兰 海燕 文华 "
    "红 金凤 建华 国庆 丽娟 子涵 浩然 欣怡 梓萱 志刚 立新 卫东 春梅 凤英 德胜 爱民 振华 淑珍 广福 玉梅 晨曦 宇航 "
    "思远 佳怡 国栋 海波"
)

COMMITMENTS = _words(
    "每季度开展一次安全用电进社区 结对帮扶困难党员群众 开放单位停车位错时共享 组织党员志愿者参与环境整治 "
    "为社区老人提供免费义诊 开展法律知识进社区宣讲 提供就业岗位信息和技能培训 捐助党群服务中心活动器材 "
    "开放职工食堂为老人助餐 共建青少年课外实践基地 每月开展一次金融知识普及 协助开展防汛应急演练 认领社区微心愿 "
    "开放单位活动场地 选派党员担任兼职网格员"
)
NEEDS = {
    "为老服务": _words("独居老人定期探访 老年助餐点建设 高龄老人上门理发 适老化改造"),
    "儿童托管": _words("暑期儿童托管班 四点半课堂 周末亲子阅读"),
    "环境整治": _words("楼道照明改造 垃圾分类设施更新 背街小巷硬化 楼道杂物清理"),
    "文体活动": _words("广场舞队服装器材 社区运动会 春节文艺汇演"),
    "法律服务": _words("邻里纠纷调解 老年人防诈骗讲座 法律咨询进小区"),
    "医疗健康": _words("独居老人定期体检 慢病随访 健康知识讲座"),
    "就业帮扶": _words("失业人员技能培训 高校毕业生就业指导 零工岗位对接"),
    "物业治理": _words("老旧小区加装电梯协调 停车位规划 物业费收缴协调 消防通道整治"),
    "志愿服务": _words("文明城市创建志愿者 应急防控志愿者 交通劝导志愿者"),
    "其他": _words("便民服务点设置 快递柜安装 充电桩安装"),
}
RESOURCES = {
    "为老服务": _words("养老护理培训 助餐配送车辆"),
    "儿童托管": _words("党员教师志愿辅导 少儿图书捐赠"),
    "环境整治": _words("环卫车辆支援 党员义务劳动队"),
    "文体活动": _words("单位活动场地开放 文艺演出队"),
    "法律服务": _words("律师公益咨询 人民调解员"),
    "医疗健康": _words("义诊与健康讲座 家庭医生签约服务"),
    "就业帮扶": _words("就业岗位信息 职业技能培训"),
    "物业治理": _words("物业管理咨询 维修技术支持"),
    "志愿服务": _words("电力抢修志愿服务队 青年志愿服务队"),
    "其他": _words("资金捐助 办公设备捐赠"),
}
CAPACITIES = _words("每月一次 每周两次 每季度一次 20人 50人次/年 每年2万元 场地200平方米 随叫随到")


def pick(rng: random.Random, pool: Sequence[str]) -> str:
    """One element of a pool (indexing, not ``rng.choice``, so the draw is the same on every Python)."""
    return pool[rng.randrange(len(pool))]


def unique(rng: random.Random, make: Callable[[random.Random], str], used: set[str], more: str = "期") -> str:
    """A name from ``make`` not yet in ``used`` (added to it), so names within one area do not repeat.

    After a few misses a numeral and ``more`` go on the end (二期, 三期 ...), as ledgers do for same-named
    places. ``used`` is only tested for membership, so its iteration order cannot leak into the output.
    """
    name = make(rng)
    for _ in range(8):
        if name not in used:
            break
        name = make(rng)
    base, k = name, 1
    while name in used:
        k += 1
        name = f"{base}{NUMERALS[k - 1]}{more}" if k <= len(NUMERALS) else f"{base}{k}{more}"
    used.add(name)
    return name


def ordinal(n: int) -> str:
    """第一, 第二 ... as grids and joint branches are numbered."""
    return "第" + (NUMERALS[n - 1] if n <= len(NUMERALS) else str(n))


def person_name(rng: random.Random) -> str:
    """A fictitious name: a common surname and a common given name."""
    return pick(rng, SURNAMES) + pick(rng, GIVEN_NAMES)


def stem(rng: random.Random) -> str:
    """A place word, the root of most street, community, compound and company names."""
    return pick(rng, PLACE_STEMS)


def village_name(rng: random.Random) -> str:
    """A village as named on the north China plain: a clan surname and a settlement word (王家庄村)."""
    return pick(rng, SURNAMES) + pick(rng, ("", "家", "")) + pick(rng, VILLAGE_ENDS) + "村"


def mongolian_name(rng: random.Random) -> str:
    """A transliterated Mongolian place name, for 苏木 and 嘎查 (巴彦塔拉)."""
    return pick(rng, MONGOLIAN_HEADS) + pick(rng, MONGOLIAN_TAILS)


def community_name(rng: random.Random, kind: str) -> str:
    """社区 take a place word, 村 a clan-and-settlement name, 嘎查 a Mongolian name."""
    if kind == "村":
        return village_name(rng)
    return mongolian_name(rng) + "嘎查" if kind == "嘎查" else stem(rng) + "社区"


def compound_name(rng: random.Random, kind: str) -> str:
    """A residential compound name that fits its kind (商品房 styles, 单位院落 dormitories ...)."""
    if kind == "单位院落":
        return stem(rng) + pick(rng, WORK_COMPOUNDS)
    if kind == "安置小区":
        return stem(rng) + pick(rng, ("安置小区", "新村", "社区安置区", "佳苑"))
    if kind == "老旧小区":
        return stem(rng) + pick(rng, ("小区", "新村", "里", "宿舍区", "小区", "南区", "北区"))
    if kind == "开放式院落":
        return f"{stem(rng)}街{rng.randint(1, 99)}号院"
    style = pick(rng, COMPOUND_STYLES)
    return stem(rng) + style + ("小区" if style in ("花园", "家园", "新村") and rng.random() < 0.4 else "")


def commercial_building_name(rng: random.Random, kind: str) -> str:
    return stem(rng) + pick(rng, BUILDING_KIND_STYLES[kind])


def enterprise_name(rng: random.Random, province_short: str, city: str) -> str:
    """A non-public company as registered: region prefix, trade name, industry, legal form."""
    region = pick(rng, (province_short, city, ""))
    return f"{region}{stem(rng)}{pick(rng, INDUSTRIES)}有限公司"


def cooperative_name(rng: random.Random, village: str) -> str:
    return f"{village}{pick(rng, PRODUCTS)}专业合作社"


def social_org_name(rng: random.Random, district: str) -> str:
    return f"{district}{stem(rng)}{pick(rng, SOCIAL_ORG_FORMS)}"


def property_company_name(rng: random.Random, city: str) -> str:
    form = pick(rng, ("物业服务有限公司", "物业管理有限公司", "物业服务集团有限公司", "物业管理服务有限公司"))
    return f"{pick(rng, (city, '', ''))}{stem(rng)}{form}"


def stationed_unit_name(rng: random.Random, kind: str, city: str, district: str, street: str) -> str:
    """A 机关 / 事业单位 / 国有企业 name from a template filled with the area's names."""
    return pick(rng, STATIONED_TEMPLATES[kind]).format(
        city=city,
        district=district,
        street=street,
        stem=stem(rng),
        dept=pick(rng, DEPARTMENTS),
        n=pick(rng, NUMERALS[:6]),
    )
