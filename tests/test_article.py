"""Parsing real seed files: every field of the seed article, and one file of each body style and outlet.

Every expected value here was read off the file's HTML, not copied from the parser's output.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from news_archive.parse.article import parse_article, split_authors
from news_archive.parse.model import Figure, Link

DATA = Path(__file__).resolve().parent / "data"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


# -- the seed article ---------------------------------------------------------------------------


def test_seed_header_dates_and_people(seed):
    article = seed("000_cc2fef80fd5ee816")
    assert article.title == "中美重回谈判桌，但言辞分歧凸显双边关系脆弱性"
    assert article.url == "https://cn.nytimes.com/world/20240202/china-us-fentanyl-iran-north-korea/"
    assert (article.outlet_id, article.section) == ("nyt", "world")
    # <time pudate="2024-02-02 05:00:55"> is China Standard Time.
    assert (article.published, article.published_from) == ("2024-02-01T21:00:55Z", "time")
    assert article.feed_time == "2024-02-02T09:07:01Z"
    assert article.byline == "DAVID PIERSON, OLIVIA WANG"
    assert [(a.name, a.position) for a in article.authors] == [("David Pierson", 1), ("Olivia Wang", 2)]
    assert article.english_url == "https://www.nytimes.com/2024/02/02/world/asia/china-us-fentanyl-iran-north-korea.html"
    assert article.credits == "翻译：纽约时报中文网"
    assert (article.language, article.script) == ("zh", "Hans")
    assert article.lead == "中国和美国又回到了谈判桌上。但它们能不能达成共识就是另一回事了。"
    assert article.warnings == []


def test_seed_every_paragraph_in_order(seed):
    expected = json.loads((DATA / "seed_000_paragraphs.json").read_text(encoding="utf-8"))
    body = seed("000_cc2fef80fd5ee816").body
    assert [[p.position, p.kind, p.text] for p in body.paragraphs] == expected


def test_seed_figures(seed):
    proxy = "https://images.weserv.nl/?url=static01.nyt.com/images/2024/01/31/multimedia/"
    original = "https://static01.nyt.com/images/2024/01/31/multimedia/"
    assert seed("000_cc2fef80fd5ee816").body.figures == [
        Figure(
            position=7,
            image_url=original + "00china-diplo-02-tfmq/00china-diplo-02-tfmq-master1050.jpg",
            proxied_url=proxy + "00china-diplo-02-tfmq/00china-diplo-02-tfmq-master1050.jpg",
            alt="拜登总统和习近平主席去年11月在旧金山以南的一座庄园举行会晤。中国官员称，两人同意稳定双方关系，搁置竞争。",
            caption="拜登总统和习近平主席去年11月在旧金山以南的一座庄园举行会晤。中国官员称，两人同意稳定双方关系，搁置竞争。",
            credit="Doug Mills/The New York Times",
        ),
        Figure(
            position=14,
            image_url=original + "00china-diplo-03-tfmq/00china-diplo-03-tfmq-jumbo.jpg",
            proxied_url=proxy + "00china-diplo-03-tfmq/00china-diplo-03-tfmq-jumbo.jpg",
            alt="11月，红海一艘商船上方的胡塞叛军直升机。照片由胡塞叛军发布。中国对伊朗拥有影响力，后者支持胡塞叛军。",
            caption="11月，红海一艘商船上方的胡塞叛军直升机。照片由胡塞叛军发布。中国对伊朗拥有影响力，后者支持胡塞叛军。",
            credit="Houthi Military Media, via Reuters",
        ),
        # <p><img><small>caption</small></p>: no alt, no credit.
        Figure(
            position=22,
            image_url=original + "00china-diplo-04-tfmq/00china-diplo-04-tfmq-master1050.jpg",
            proxied_url=proxy + "00china-diplo-04-tfmq/00china-diplo-04-tfmq-master1050.jpg",
            alt=None,
            caption="11月，北京，王毅与阿拉伯和伊斯兰国家的官员会面，在试图对抗美国全球主导地位的同时，中国一直在向中东国家示好。",
            credit=None,
        ),
    ]


def test_seed_links(seed):
    filoli = "https://cn.nytimes.com/usa/20231116/filoli-estate-summit-biden-xi/"
    north_korea = "https://cn.nytimes.com/world/20240126/north-korea-war-kim/"
    assert seed("000_cc2fef80fd5ee816").body.links == [
        Link(1, 3, filoli, "去年11月旧金山附近的那场峰会上", "Link: " + filoli),
        Link(2, 5, "https://cn.nytimes.com/usa/20240201/fbi-director-china-wray-/", "联邦调查局警告", None),
        Link(3, 13, "https://www.nytimes.com/2024/01/24/business/red-sea-attacks-shipping-costs.html"
                    "?searchResultPosition=20", "在红海袭击商船的胡塞叛军", None),
        Link(4, 13, north_korea, "收回战争威胁", "Link: " + north_korea),
        Link(5, 23, "https://www.nytimes.com/2024/01/24/world/middleeast/us-iran-yemen-houthi-strikes.html"
                    "?searchResultPosition=23", "打击胡塞武装", None),
        Link(6, 23, "https://www.nytimes.com/2024/01/18/world/middleeast/iran-conflict-gaza-pakistan-hezbollah.html"
                    "?searchResultPosition=5", "一些最为危险的冲突中心", None),
        Link(7, 28, "https://www.nytimes.com/by/david-pierson", "点击查看更多关于他的信息。", None),
        Link(8, 29, "https://www.nytimes.com/by/olivia-wang", "点击查看更多关于她的信息。", None),
        Link(9, 31, "https://www.nytimes.com/2024/02/02/world/asia/china-us-fentanyl-iran-north-korea.html",
             "点击查看本文英文版。", None),
    ]


# -- one file of each body style and outlet ----------------------------------------------------------


@dataclass
class Case:
    file: str
    title: str
    outlet_id: str
    section: str | None
    published: str
    published_from: str
    authors: list[str]
    paragraphs: int
    first: str
    last: str
    figures: int
    figure: Figure | None
    links: int


CASES = [
    Case(
        "nyt/1048100",
        title="特朗普政府考虑对中共党员全面实施旅行禁令",
        outlet_id="nyt", section="usa",
        published="2020-07-16T08:44:26Z", published_from="byline",
        authors=["黄安伟"],
        paragraphs=35,
        first="（欢迎点击此处订阅NYT简报，我们将在每个工作日发送最新内容至您的邮箱。）",
        last="获取更多RSS：\nhttps://feedx.net\nhttps://feedx.xyz",
        figures=4,
        figure=Figure(
            position=15,
            image_url="https://static01.nyt.com/images/2020/07/15/us/politics/15dc-chinaban-4/merlin_172914018_e3bc3f11-e9d8-488e-9223-4d86cfccac39-articleLarge.jpg",
            proxied_url="https://images.weserv.nl?url=static01.nyt.com/images/2020/07/15/us/politics/15dc-chinaban-4/merlin_172914018_e3bc3f11-e9d8-488e-9223-4d86cfccac39-articleLarge.jpg",
            alt=None,
            caption="5月，中国国家主席习近平在北京人民大会堂。在中国，共产党是生活中既强大又平凡的一部分。",
            credit=None,
        ),
        links=28,
    ),
    Case(
        "nyt-frontmatter/2021-04-23",
        title="“生命太短暂”：男子突发心脏病后写“心灵鸡汤”走红网络",
        outlet_id="nyt", section="style",
        published="2021-04-23T03:24:12Z", published_from="time",
        authors=["MARIA CRAMER"],
        paragraphs=33,
        first="不久前的一个周日下午，当伦敦一家投资银行的项目经理乔纳森·弗罗斯蒂克(Jonathan Frostick)坐在电脑前，为接下来一周的工作做准备时，他说自己无法呼吸。他的胸口发紧，耳朵开始砰砰作响。他心脏病发作了。",
        last="获取更多RSS：\nhttps://feedx.net\nhttps://feedx.top",
        figures=0,
        figure=None,
        links=12,
    ),
    Case(
        "nyt/dm2023_1044000.md",
        title="简报：美国财长呼吁中美建立“建设性”经济关系；SpaceX星舰火箭升空后爆炸",
        outlet_id="nyt", section="world",
        published="2023-04-21T02:07:05Z", published_from="feed",
        authors=[],
        paragraphs=10,
        first="新闻分析：中国与世界大国热情接触，为何唯独冷落美国？习近平称赞巴西总统卢拉是“中国人民的老朋友”，请法国总统马克龙在花园里喝茶，并向沙特王储萨勒曼致以斋月问候。与此同时，中国拒绝了拜登政府重启高层会谈、缓和台湾紧张局势的尝试，并加剧了对美国和西方民主制度的嘲讽和批评。一些分析人士指出，这些做法表明，中国对美国的一系列做法感到失望，习近平已完全接受了中美接触无成效的观点，至少目前如此。当前的事态发展使人们更加担心这两个大国在台湾和其他地缘政治热点问题上发生碰撞。",
        last="感谢阅读今天的简报，新读者请点击此处订阅。点击这里查看往日更新。欢迎在Twitter(@nytchinese)、Instagram和Facebook上关注我们，了解更多中文资讯。也欢迎访问中文网首页阅读更多新闻。如有任何建议和想法，请来信与我们分享：cn.newsletter@nytimes.com。",
        figures=3,
        figure=Figure(
            position=1,
            image_url="https://static01.nyt.com/images/2023/04/20/multimedia/CN-21ambriefing-asia-nl-china-lede-01-copy/21ambriefing-asia-nl-china-lede-01-mobileMasterAt3x.jpg?quality=75&auto=webp&disable=upscale&width=1800",
            proxied_url="https://images.weserv.nl/?url=static01.nyt.com/images/2023/04/20/multimedia/CN-21ambriefing-asia-nl-china-lede-01-copy/21ambriefing-asia-nl-china-lede-01-mobileMasterAt3x.jpg?quality=75&auto=webp&disable=upscale&width=1800",
            alt=None,
            caption="上周，中国国家主席习近平与巴西总统卢拉在北京。",
            credit="Pool photo by Ken Ishii",
        ),
        links=16,
    ),
    Case(
        "nyt/1048195",
        title="台湾举行骄傲大游行，彰显平权及防疫成就",
        outlet_id="nyt", section="asia-pacific",
        published="2020-06-29T03:48:01Z", published_from="byline",
        authors=[],
        paragraphs=9,
        first="（欢迎点击此处订阅NYT简报，我们将在每个工作日发送最新内容至您的邮箱。）",
        last="编译：Yizi",
        figures=1,
        figure=Figure(
            position=4,
            image_url="https://static01.nyt.com/images/2020/06/28/world/28taiwan-pride02/merlin_174000393_7a33637b-0a89-46b4-a09b-1f30406c5e3b-articleLarge.jpg",
            proxied_url="https://images.weserv.nl?url=static01.nyt.com/images/2020/06/28/world/28taiwan-pride02/merlin_174000393_7a33637b-0a89-46b4-a09b-1f30406c5e3b-articleLarge.jpg",
            alt=None,
            caption="陈宏昌（中）帮助组织了这场活动。他说希望这次活动能给那些无法游行的人带来安慰。",
            credit=None,
        ),
        links=3,
    ),
    Case(
        "bbc/1048095",
        title="美国《欢乐合唱团》女明星恐意外溺水身亡",
        outlet_id="bbc", section="world",
        published="2020-07-11T14:46:40Z", published_from="feed",
        authors=[],
        paragraphs=24,
        first="曾因出演音乐轻喜剧《欢乐合唱团》（ Glee）而出名的美国女演员娜亚·里维拉（Naya Rivera）可能意外溺水身亡。",
        last="包括美国歌手黛米·洛瓦托（又译黛咪·洛瓦特，Demi Lovato）等美国许多名人纷纷为里维拉的“失踪”祈祷，希望她能平安返回。",
        figures=3,
        figure=Figure(
            position=8,
            image_url="https://ichef.bbci.co.uk/news/640/cpsprodpb/E7F7/production/_113338395_whatsubject.jpg",
            proxied_url="https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/cpsprodpb/E7F7/production/_113338395_whatsubject.jpg",
            alt=None,
            caption="里维拉和儿子租用的小船",
            credit="Reuters",
        ),
        links=0,
    ),
    Case(
        "bbc/1048189",
        title="中国“强制新疆维族妇女节育绝育”：敏感话题的七个关键看点",
        outlet_id="bbc", section="chinese-news",
        published="2020-06-30T20:46:54Z", published_from="feed",
        authors=[],
        paragraphs=39,
        first="中国被指在新疆强迫维族妇女节育、绝育，以期控制维族穆斯林人口。有专家解读，中国利用计划生育措施在新疆推行“变相种族灭绝”。",
        last="有关新疆问题的更多报道：中国的秘密营地",
        figures=11,
        figure=Figure(
            position=1,
            image_url="https://ichef.bbci.co.uk/news/640/cpsprodpb/D75E/production/_109143155_tv056968745.jpg",
            proxied_url="https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/cpsprodpb/D75E/production/_109143155_tv056968745.jpg",
            alt="1",
            caption=None,
            credit="AFP/Getty",
        ),
        links=1,
    ),
    Case(
        "cdt/398551",
        title="三联生活周刊｜整个村子都被“秒”了：鄱阳湖抗洪形势有多严峻？",
        outlet_id="cdt", section=None,
        published="2020-07-14T08:17:40Z", published_from="feed",
        authors=[],
        paragraphs=43,
        first="鄱阳湖水位突破历史极值，超过1998年那场特大洪水。以鄱阳县为代表的环鄱阳湖地区正“四处受敌”，面临着一次前所未有的考验。更让人担忧的是，鄱阳湖的水位还在不断上涨。",
        last="Feed enhanced by Better Feed from Ozh",
        figures=19,
        figure=Figure(
            position=7,
            image_url="https://chinadigitaltimes.net/chinese/files/2020/07/洪水淹村.jpeg",
            proxied_url=None,
            alt=None,
            caption="黄子懿 摄",
            credit=None,
        ),
        links=14,
    ),
    Case(
        "cdt/398145",
        title="非新闻创办人卢昱宇：不正确的历史记忆 2012——2020年的那些寻衅滋事（一）",
        outlet_id="cdt", section=None,
        published="2020-07-19T01:39:06Z", published_from="feed",
        authors=[],
        paragraphs=18,
        first="总算战胜了拖延症，开了个头。 pic.twitter.com/fI4SPptBvz",
        last="Feed enhanced by Better Feed from Ozh",
        figures=0,
        figure=None,
        links=15,
    ),
    Case(
        "cdt/400098",
        title="【中国哭墙】我这会儿刚下夜班，跟您问声晚安（6月27日）",
        outlet_id="cdt", section=None,
        published="2020-06-27T14:20:41Z", published_from="byline",
        authors=[],
        paragraphs=36,
        first="编者按：6月27日，距离李文亮医生的去世已141天。这位在武汉新冠疫情期间因为说出真话成为悲剧英雄的普通眼科医生并没有被民众遗忘，为公共安全与健康充当“吹哨人”成为他闪亮的墓志铭。在李文亮医生留下的微博的评论区，“每天都有成千上万人写下日记”，“诸多双耳朵仍铭记着他吹出的悠长哨响”，网民们在这里和李文亮医生一起分享和倾诉自己的生活与命运。正如一位网名为“一朵默默绽放的花儿”的新浪网友所说：“李文亮微博成了‘互联网哭墙’，一个安放人们良心的地方。”",
        last="Feed enhanced by Better Feed from Ozh",
        figures=3,
        figure=Figure(
            position=3,
            image_url="https://chinadigitaltimes.net/chinese/files/2020/03/Screenshot-2020-03-13-10.48.21.png",
            proxied_url=None,
            alt=None,
            caption=None,
            credit=None,
        ),
        links=61,
    ),
    Case(
        "dw/1048118",
        title="西沙群岛中国军演 菲律宾越南齐谴责",
        outlet_id="dw", section=None,
        published="2020-07-02T15:04:14Z", published_from="byline",
        authors=[],
        paragraphs=8,
        first="(德国之声中文网) 本周四(7月2日)，越南和菲律宾对中国军队在西沙群岛海域进行演习表示了谴责。越南外交部表示，中国的军演侵犯了越南主权，让东盟(ASEAN)与中国之间的《南海行为准则》磋商谈判变得更加艰难，对地区和平构成了影响。",
        last="文山/李鱼/(德新社、路透社)",
        figures=2,
        figure=Figure(
            position=1,
            image_url="https://api.dw.com/image/19389775_303.jpg",
            proxied_url="https://images.weserv.nl/?url=api.dw.com/image/19389775_303.jpg",
            alt=None,
            caption="2016年西沙中国军演资料照片",
            credit=None,
        ),
        links=0,
    ),
    Case(
        "dw/1048379",
        title="从黑马到退市：瑞幸咖啡下周自纳斯达克停牌",
        outlet_id="dw", section=None,
        published="2020-06-27T12:15:38Z", published_from="byline",
        authors=["张筠青"],
        paragraphs=11,
        first='（德国之声中文网）曾有"中国星巴克"之称的北京连锁咖啡品牌瑞幸咖啡（Luckin Coffee）日前自爆22亿财务造假，股价随之暴跌。美国纳斯达克交易所5月19日以未能遵守上市规则为由，第一次向瑞幸咖啡发出下市通知。',
        last="获取更多RSS：\nhttps://feedx.net\nhttps://feedx.xyz",
        figures=1,
        figure=Figure(
            position=1,
            image_url="https://api.dw.com/image/44747560_303.jpg",
            proxied_url="https://images.weserv.nl/?url=api.dw.com/image/44747560_303.jpg",
            alt=None,
            caption=None,
            credit=None,
        ),
        links=4,
    ),
    Case(
        "dw/1047837",
        title="评论：对新冠死者的哀悼何在？",
        outlet_id="dw", section=None,
        published="2020-07-18T13:19:34Z", published_from="byline",
        authors=["Astrid Prange"],
        paragraphs=15,
        first="（德国之声中文网）新冠死者数量达2. 9万的西班牙作出表率，举国哀悼。本周四（7月16日），该国举行国殇，悼念众多亲属难以与之永别的罹难者。",
        last="© 2020年德国之声版权声明：本文所有内容受到著作权法保护，如无德国之声特别授权，不得擅自使用。任何不当行为都将导致追偿，并受到刑事追究。",
        figures=2,
        figure=Figure(
            position=9,
            image_url="https://api.dw.com/image/39997599_303.jpg",
            proxied_url="https://images.weserv.nl/?url=api.dw.com/image/39997599_303.jpg",
            alt=None,
            caption="德国之声记者Astrid Prange认为",
            credit=None,
        ),
        links=0,
    ),
    Case(
        "dw/1047903",
        title="反口罩示威者:「這裡是美國!」",
        outlet_id="dw", section=None,
        published="2020-07-14T14:55:24Z", published_from="feed",
        authors=[],
        paragraphs=1,
        first="美國佛羅里達州一家烤起司店的老闆說顧客進她店裡不用戴口罩，吸引反口罩示威者到她店裡開派對，還提供不戴口罩的人100份免費餐點。這樣違反防疫政策的聚會吸引警察上門關切，結果...",
        last="美國佛羅里達州一家烤起司店的老闆說顧客進她店裡不用戴口罩，吸引反口罩示威者到她店裡開派對，還提供不戴口罩的人100份免費餐點。這樣違反防疫政策的聚會吸引警察上門關切，結果...",
        figures=0,
        figure=None,
        links=0,
    ),
    Case(
        "ft/1048003",
        title="科学家们质疑新冠疫苗的免疫持久性",
        outlet_id="ft", section=None,
        published="2020-07-17T04:51:31Z", published_from="feed",
        authors=[],
        paragraphs=22,
        first="伦敦国王学院的研究显示，新冠康复患者的抗体在感染后的数月内显著下降。那么，疫苗能让人们对这种疾病免疫多久？",
        last="译者/何黎",
        figures=1,
        figure=Figure(
            position=2,
            image_url="https://thumbor.ftacademy.cn/unsafe/picture/6/000094866_piclink.jpg",
            proxied_url="https://thumbor.ftacademy.cn/unsafe/1340x754/https://thumbor.ftacademy.cn/unsafe/picture/6/000094866_piclink.jpg",
            alt=None,
            caption=None,
            credit=None,
        ),
        links=0,
    ),
    Case(
        "ft/1048067",
        title="2020年A股牛市下半场",
        outlet_id="ft", section=None,
        published="2020-07-12T19:52:08Z", published_from="feed",
        authors=["尹鑫鑫"],
        paragraphs=36,
        first="尹鑫鑫：鉴于中国政府将在国防军工新周期中给出超过历史水平的支持与投入力度，国防军工也将成为2020年牛市下半场的市场领军人。",
        last="（作者系奔牛投资创始人。本文仅代表作者观点。责任编辑邮箱：Tao.feng@ftchinese.com）",
        figures=6,
        figure=Figure(
            position=2,
            image_url="https://thumbor.ftacademy.cn/unsafe/picture/1/000088851_piclink.jpg",
            proxied_url="https://thumbor.ftacademy.cn/unsafe/1340x754/https://thumbor.ftacademy.cn/unsafe/picture/1/000088851_piclink.jpg",
            alt=None,
            caption=None,
            credit=None,
        ),
        links=0,
    ),
    Case(
        "reuters/1047540",
        title="名人帐户遭入侵前 推特已加大力度物色首席信息安全官",
        outlet_id="reuters", section=None,
        published="2020-07-17T02:16:46Z", published_from="byline",
        authors=[],
        paragraphs=8,
        first="路透7月16日 - 两位知情人士对路透称，推特(TWTR.N)近几周已经加大力度物色首席信息安全官。周三推特多个名人帐户遭入侵，给该平台安全性拉响警报。",
        last="我们的标准：汤森路透“信任原则”",
        figures=0,
        figure=None,
        links=2,
    ),
    Case(
        "rfa/1048353",
        title="管理资金投放不到位？中科院研究院近百人集体辞职",
        outlet_id="rfa", section="yataibaodao",
        published="2020-07-17T14:44:59Z", published_from="feed",
        authors=[],
        paragraphs=18,
        first="中国科学院合肥研究院近100名科研人员集体辞职的事件震动学术界，据悉导火线是校方更换保安设施，使研究人员觉得隐私受侵犯。这家被视为中国最高学术机构的管理是否出问题固然是焦点，但流失人才的去向也备受关注。",
        last="记者:高锋 责编：胡力汉 梒青 网编：瑞哲",
        figures=2,
        figure=Figure(
            position=7,
            image_url="https://www.rfa.org/mandarin/yataibaodao/zhengzhi/gf1-07172020091205.html/gf1-cas4.jpg",
            proxied_url=None,
            alt="6月15日冲突现场视频截图。（图/微博）",
            caption="6月15日冲突现场视频截图。（图/微博）",
            credit=None,
        ),
        links=3,
    ),
    Case(
        "rfi/1047002",
        title="中国南方暴雨进入最强时段一江三湖防汛形势严峻 联合国表示关注",
        outlet_id="rfi", section="中国",
        published="2020-07-18T21:19:00Z", published_from="byline",
        authors=[],
        paragraphs=10,
        first="中国南方强降雨目前进入最强时段，周末两天贵州、湖南、湖北及淮河沿线等地预计将有大到暴雨，部分地区大暴雨；受持续暴雨影响，“一江三湖”防汛形势严峻。安徽省提升防汛应急响应到一级，贵州发布大范围地质灾害风险预报。联合国对中国洪灾表示关注。",
        last="联合国人道主义事务协调厅周六表示，自6月份以来，中国一直受到暴雨和洪水的影响，使27个省份的3800多万人受到影响。人道协调厅表示，中国政府没有提出国际援助请求，但联合国随时准备在需要时提供支持。",
        figures=1,
        figure=Figure(
            position=1,
            image_url="https://s.rfi.fr/media/display/bd90ddea-c825-11ea-835f-005056bff430/w:310/p:16x9/2020-07-17T095318Z_1687125614_RC2XUH9SYCWZ_RTRMADP_3_CHINA-WEATHER-FLOODS.JPG",
            proxied_url=None,
            alt=None,
            caption=None,
            credit=None,
        ),
        links=0,
    ),
    Case(
        "voa/1047753",
        title="拉开民主化序幕 波兰大罢工40年",
        outlet_id="voa", section=None,
        published="2020-07-20T14:54:38Z", published_from="byline",
        authors=[],
        paragraphs=25,
        first="波兰纪念上个世纪80年代的大罢工运动40周年。当时席卷全国的大罢工不但催生团结工会诞生，更拉开了波兰民主化序幕，为共产党统治敲响丧钟。与此同时，波兰一项新法律规定，追究共产主义的犯罪行为没有时间限制。",
        last="波兰官方在推出这项法律时说，民主国家的责任就是要谴责专制政权的犯罪行为，把责任人绳之以法。",
        figures=1,
        figure=Figure(
            position=1,
            image_url="https://gdb.voanews.com/09F34C29-B357-469C-A0DE-CFDC24177223_cx0_cy5_cw0_r1_s_w900.jpg",
            proxied_url="https://images.weserv.nl?url=gdb.voanews.com/09F34C29-B357-469C-A0DE-CFDC24177223_cx0_cy5_cw0_r1_s_w900.jpg",
            alt=None,
            caption="波兰格但斯克造船厂工人纪念1970年代为反共示威中被杀害的工人。（2019年6月4日）",
            credit=None,
        ),
        links=0,
    ),
    Case(
        "voa/1048206",
        title="香港静默游行反国安法53人被围捕 基督徒集会悼念社运死者",
        outlet_id="voa", section=None,
        published="2020-06-29T18:39:05Z", published_from="byline",
        authors=[],
        paragraphs=39,
        first="香港传媒引述消息指，中国全国人大常委会可能在星期二表决“港版国安法”，星期三(7月1日)凌晨、香港主权移交23周年纪念日正式实施。有网民星期日发起九龙静默游行，在“港版国安法”有可能实施前的最后一个周日表达反对的立场，大批市民参与，警方封锁佐敦至旺角一带的弥敦道，以大围捕的方式拘捕53人。",
        last="声明表示，作为基督徒，定必歇力追求公义，虽然势弱言轻，决不虚作无声！",
        figures=6,
        figure=Figure(
            position=4,
            image_url="https://gdb.voanews.com/B2476CD0-84A8-4397-95B5-B602918F7852_w900.jpg",
            proxied_url="https://images.weserv.nl?url=gdb.voanews.com/B2476CD0-84A8-4397-95B5-B602918F7852_w900.jpg",
            alt="香港警方6月28日下午在旺角登打士街展开大围捕，传媒联络队人员检查采访期间被封锁线围困记者的证件才放行。 (美国之音/汤惠芸)",
            caption="香港警方6月28日下午在旺角登打士街展开大围捕，传媒联络队人员检查采访期间被封锁线围困记者的证件才放行。 (美国之音/汤惠芸)",
            credit=None,
        ),
        links=0,
    ),
    Case(
        "edge-cases/1048198",
        title="德语媒体：北京的快速回应",
        outlet_id="dw", section=None,
        published="2020-06-29T14:58:06Z", published_from="byline",
        authors=["任琛"],
        paragraphs=10,
        first='（德国之声中文网）德国《明镜周刊》周一发表网络版文章，关注中国宣布对在涉港问题上"表现恶劣"的美方人员实施签证限制措施。',
        last="摘译自其它媒体，不代表德国之声观点",
        figures=1,
        figure=Figure(
            position=1,
            image_url="https://api.dw.com/image/53882155_303.jpg",
            proxied_url="https://images.weserv.nl/?url=api.dw.com/image/53882155_303.jpg",
            alt=None,
            caption="资料图片：双手比出5，代表“五大诉求”的香港示威民众",
            credit=None,
        ),
        links=0,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.file for case in CASES])
def test_body_styles_and_outlets(seed, case):
    article = seed(case.file)
    body = article.body
    assert article.title == case.title
    assert (article.outlet_id, article.section) == (case.outlet_id, case.section)
    assert (article.published, article.published_from) == (case.published, case.published_from)
    assert [author.name for author in article.authors] == case.authors
    assert len(body.paragraphs) == case.paragraphs
    assert (body.paragraphs[0].text, body.paragraphs[-1].text) == (case.first, case.last)
    assert len(body.figures) == case.figures
    if case.figure is not None:
        assert case.figure in body.figures
    assert len(body.links) == case.links


# -- what each outlet's markup means ------------------------------------------------------------------


def test_bbc_media_boxes_are_figures_and_hidden_labels_are_dropped(seed):
    for name in ("bbc/1048067", "bbc/1048189", "bbc/1048095"):
        body = seed(name).body
        texts = [p.text for p in body.paragraphs] + [f.caption or "" for f in body.figures]
        # Copyright lines ("AFP", "BBC News 中文") are figure credits, never paragraphs.
        assert not {f.credit for f in body.figures} & {p.text for p in body.paragraphs}
        assert not [t for t in texts if "Image caption" in t or "图片版权" in t]
    # A YouTube card: the screenshot and the channel in its copyright line; the <noscript> copy is skipped.
    card = seed("bbc/1048067").body.figures[3]
    assert (card.position, card.credit, card.caption) == (17, "BBC News 中文", None)
    assert card.image_url == (
        "https://ichef.bbci.co.uk/news/1024/socialembed/https://www.youtube.com/watch?v=cRQSL4-OEuQ~/zhongwen/simp/science-53402970"
    )


def test_ft_standfirst_byline_and_translator(seed):
    column = seed("ft/1048067")
    assert column.body.paragraphs[0].kind == "standfirst"
    assert (column.byline, column.lead) == ("尹鑫鑫", column.body.paragraphs[0].text)
    news = seed("ft/1048003")
    assert [(p.kind, p.text) for p in news.body.paragraphs[-1:]] == [("credit", "译者/何黎")]
    assert (news.byline, news.credits) == (None, "译者/何黎")


def test_reuters_credit_line_and_trust_badge(seed):
    body = seed("reuters/1047540").body
    assert [(p.kind, p.text) for p in body.paragraphs[-2:]] == [
        ("credit", "编译 王灿；审校 张荻"), ("footer", "我们的标准：汤森路透“信任原则”")]
    subheads = [p.text for p in seed("reuters/1047633").body.paragraphs if p.kind == "subhead"]
    assert subheads == ["交易部门大放异彩"]  # printed as **交易部门大放异彩**


def test_voa_subheads_and_media_titles(seed):
    article = seed("voa/1047753")
    subheads = [p.text for p in article.body.paragraphs if p.kind == "subhead"]
    assert subheads == ["铁道工人罢工 共产党失民心", "卢布林大罢工 敲响东欧共产主义丧钟", "团结工会诞生 当局被迫让步",
                        "团结工会最终执政 罢工运动冲击前苏联", "追究共产主义犯罪无时间限制"]
    # <audio> then <div><small>title</small></div>: the title is neither a paragraph nor a caption.
    title = "拉开民主化序幕 波兰大罢工40年"
    assert title not in [p.text for p in article.body.paragraphs]
    assert title not in [f.caption for f in article.body.figures]
    assert article.body.figures[0].caption == "波兰格但斯克造船厂工人纪念1970年代为反共示威中被杀害的工人。（2019年6月4日）"


def test_voa_paragraphs_separated_by_blank_lines(seed):
    body = seed("voa/1048206").body
    assert [(p.kind, p.text) for p in body.paragraphs[2:5]] == [
        ("body", "多名民主派区议员日前发起6/28及7/1游行反对“港版国安法”，警方以新冠肺炎防疫措施，户外最多50人聚集的“限聚令”为理由，禁止这两次游行的申请。"),
        ("subhead", "香港人静默游行反对港版国安法"),
        ("body", "有网民在警方反对后，继续在网上号召6/28九龙区静默游行，呼吁市民趁星期日(6月28日)可能是“港版国安法”实施前最后一个周日，上街表达反对的立场，游行路线沿弥敦道由佐敦向北行至旺角。"),
    ]
    # An interview question is not a credit line.
    assert ("body", "记者：“最高刑罚可以到终身监禁。”") in [(p.kind, p.text) for p in body.paragraphs]


def test_dw_copyright_disclaimer_and_signature(seed):
    body = seed("dw/1047837").body
    assert [p.kind for p in body.paragraphs[-2:]] == ["footer", "footer"]
    assert body.paragraphs[-1].text.startswith("© 2020年德国之声版权声明：")
    assert body.paragraphs[-2].text.startswith("德国之声致力于为您提供客观中立的新闻报道")
    article = seed("dw/1048118")
    assert (article.body.paragraphs[-1].kind, article.credits) == ("credit", "文山/李鱼/(德新社、路透社)")


def test_feed_boilerplate_after_hr_is_footer(seed):
    for name in ("dw/1048379", "nyt/1048100", "nyt-frontmatter/2021-04-23"):
        last = seed(name).body.paragraphs[-1]
        assert last.kind == "footer" and last.text.startswith("获取更多RSS：\nhttps://feedx.net")


def test_cdt_tweets_are_quotes_and_wordpress_captions_are_figures(seed):
    tweet = seed("cdt/398145").body.paragraphs[:2]
    assert [(p.kind, p.text) for p in tweet] == [
        ("quote", "总算战胜了拖延症，开了个头。 pic.twitter.com/fI4SPptBvz"),
        ("quote", "— 卢昱宇 (@darkmamu6) July 18, 2020"),
    ]
    flood = seed("cdt/398551")
    assert flood.credits == "记者 | 黄子懿"
    assert "黄子懿 摄" not in [p.text for p in flood.body.paragraphs]
    assert [f.caption for f in flood.body.figures].count("黄子懿 摄") == 2


def test_cdt_file_without_feed_time_dates_from_its_date_line(seed):
    article = seed("cdt/400098")
    assert article.feed_time is None
    assert (article.published, article.published_from) == ("2020-06-27T14:20:41Z", "byline")
    assert not [p for p in article.body.paragraphs if p.text.startswith("日期")]


def test_nyt_2020_colophon_is_split_line_by_line(seed):
    article = seed("nyt/1048100")
    tail = article.body.paragraphs[-6:]
    assert [p.kind for p in tail] == ["footer", "footer", "credit", "credit", "footer", "footer"]
    assert tail[0].text.startswith("孟建国(Paul Mozur)是一名科技记者")
    assert tail[1].text.startswith("黄安伟(Edward Wong)是一名外交及国际记者")
    assert [p.text for p in tail[2:5]] == ["Julian E. Barnes对本文有报道贡献。", "翻译：纽约时报中文网", "点击查看本文英文版。"]
    assert article.credits == "Julian E. Barnes对本文有报道贡献。\n翻译：纽约时报中文网"
    assert article.english_url == "https://www.nytimes.com/2020/07/15/us/politics/china-travel-ban.html"
    # The subscription promo above the article is boilerplate, not its lead.
    assert article.body.paragraphs[0].kind == "footer"
    assert article.lead.startswith("据知情人士透露，特朗普政府正在考虑全面禁止中共党员")


def test_briefing_lead_is_its_first_item(seed):
    article = seed("nyt/dm2023_1044000.md")
    assert [p.kind for p in article.body.paragraphs] == ["list_item"] * 9 + ["footer"]
    assert article.lead.startswith("新闻分析：中国与世界大国热情接触")


@pytest.mark.parametrize("name, byline, authors", [
    ("nyt/1048100", "黄安伟,黄安伟", ["黄安伟"]),
    ("nyt/1048195", "《纽约时报》", []),
    ("edge-cases/1048198", "任琛（摘编）", ["任琛"]),
    ("dw/1048379", "张筠青（综合报道）", ["张筠青"]),  # the file says "null 张筠青（综合报道）"
    ("dw/1047984", "叶宣（综合报道）", ["叶宣"]),
    ("dw/1047826", "Sabine Kinkartz", ["Sabine Kinkartz"]),
])
def test_bylines(seed, name, byline, authors):
    article = seed(name)
    assert (article.byline, [a.name for a in article.authors]) == (byline, authors)


@pytest.mark.parametrize("byline, footer_names, authors", [
    ("DAVID PIERSON, OLIVIA WANG", ["David Pierson"], ["David Pierson", "OLIVIA WANG"]),
    ("TIFFANY MAY,TIFFANY MAY", [], ["TIFFANY MAY"]),
    ("李鱼 综合报导", [], ["李鱼"]),
    ("李鱼摘编", [], ["李鱼"]),
    ("采访记者： William Yang", [], ["William Yang"]),
    ("洪沙 （采访记者）", [], ["洪沙"]),
    ("德国之声中文网", [], []),
    ("王月眉, JOY DONG", [], ["王月眉", "JOY DONG"]),
    (None, ["David Pierson"], []),
])
def test_split_authors(byline, footer_names, authors):
    assert [a.name for a in split_authors(byline, footer_names)] == authors


@pytest.mark.parametrize("name, script", [
    ("dw/1047903", "Hant"), ("edge-cases/1048206", "Hant"), ("dw/1048118", "Hans"),
    ("edge-cases/2021-06-30-TIFA", "Hant"),
])
def test_script(seed, name, script):
    assert seed(name).script == script


def test_parsing_is_deterministic():
    for path in sorted(SEEDS.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt"):
            data = path.read_bytes()
            assert parse_article(data) == parse_article(data), path
