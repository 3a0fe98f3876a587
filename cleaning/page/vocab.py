"""The words and tags the article extractor knows, as data.

What makes an element a paragraph boundary, a candidate container, page
furniture, a photo caption or a video player, and which labels Chinese
news templates print around an article (``责任编辑``, ``原标题``, ``广告``,
``展开全文``...), is kept here apart from the logic that uses it
(``extract``, ``furniture``, ``documents``), the way trafilatura keeps its
XPath expressions in one module. Every list is the vocabulary of *kinds* of
page (CMS templates, portals, blogs, government sites), never a string
taken from one page.

Strings in the ``*_STARTS``/``*_LABELS`` tuples are regular-expression
fragments (they are joined into one alternation); the rest are plain words.
"""

from __future__ import annotations

# --- Elements -----------------------------------------------------------

#: Elements that end a run of text: a new block starts after them.
BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "body", "br", "caption", "center"),
        *("dd", "details", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html"),
        *("li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody"),
        *("td", "tfoot", "th", "thead", "tr", "ul"),
    )
)

#: Elements that can hold an article: the candidates for its container.
CONTAINER_TAGS = frozenset(
    (
        *("article", "blockquote", "body", "center", "dd", "div", "form", "main"),
        *("section", "td", "tbody", "table"),
    )
)

#: Elements whose content is never text of the page (scripts, controls, media).
SKIP_TAGS = frozenset(
    (
        *("audio", "button", "canvas", "embed", "head", "iframe", "input", "map"),
        *("noscript", "object", "option", "script", "select", "style", "svg", "template"),
        *("textarea", "title", "video"),
    )
)

#: Heading elements: kept in the body when inside the container, used for titles.
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))

#: List items: prose in them is more often a listing's summary than an article.
LIST_ITEM_TAGS = frozenset(("li", "dd", "dt"))

#: Elements that hold a photo's caption by their tag alone.
CAPTION_TAGS = frozenset(("figcaption", "caption"))

#: Elements of HTML (and of the SVG/MathML a page may hold): a document's
#: leading tag among these is markup, any other is a corpus wrapper.
HTML_ELEMENTS = frozenset(
    (
        *("a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi"),
        *("bdo", "big", "blockquote", "body", "br", "button", "canvas", "caption", "center"),
        *("cite", "code", "col", "colgroup", "data", "datalist", "dd", "del", "details"),
        *("dfn", "dialog", "dir", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption"),
        *("figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4"),
        *("h5", "h6", "head", "header", "hr", "html", "i", "iframe", "img", "input", "ins"),
        *("kbd", "label", "legend", "li", "link", "main", "map", "mark", "marquee", "menu"),
        *("meta", "meter", "nav", "nobr", "noframes", "noscript", "object", "ol", "optgroup"),
        *("option", "output", "p", "param", "picture", "pre", "progress", "q", "rp", "rt"),
        *("ruby", "s", "samp", "script", "section", "select", "small", "source", "span"),
        *("strike", "strong", "style", "sub", "summary", "sup", "svg", "table", "tbody", "td"),
        *("template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track"),
        *("tt", "u", "ul", "var", "video", "wbr"),
    )
)

# --- Furniture by structure ---------------------------------------------

#: Elements that are furniture by their tag alone.
FURNITURE_TAGS = frozenset(("nav", "footer", "aside", "header", "menu"))

#: class/id tokens of furniture: share bars, comments, related lists,
#: breadcrumbs, navigation, footers, sidebars, pagers, toolbars, QR codes.
#: Pinyin initials are what Chinese CMS templates use (``xgxw`` 相关新闻,
#: ``dqwz`` 当前位置, ``yqlj`` 友情链接, ``ewm`` 二维码).
FURNITURE_TOKENS = frozenset(
    (
        *("share", "shares", "bdshare", "bdsharebuttonbox", "jiathis", "social", "fenxiang"),
        *("comment", "comments", "pinglun", "reply"),
        *("related", "relate", "xgxw", "xgwz", "xgyd", "xglj", "recommend", "tuijian"),
        *("breadcrumb", "breadcrumbs", "crumb", "crumbs", "position", "location", "dqwz"),
        *("nav", "navbar", "navigation", "menu", "menus", "subnav", "topnav"),
        *("footer", "foot", "copyright", "banquan"),
        *("sidebar", "sidebox", "sider", "aside"),
        *("ad", "ads", "advert", "advertisement", "banner", "guanggao"),
        *("login", "search", "sousuo", "survey", "poll", "diaocha", "toupiao"),
        *("pager", "pagination", "prenext", "updown", "sxp", "shangxia"),
        *("toolbar", "tools", "fontsize", "zihao", "gotop", "backtop", "totop", "print"),
        *("qrcode", "ewm", "erweima", "friendlink", "links", "yqlj"),
        *("hotnews", "hot", "rank", "paihang", "header", "topbar"),
        *("promo", "promotion", "subscribe", "newsletter", "download", "appdown"),
    )
)

#: Parts of a class/id token that make it furniture wherever they stand in
#: it: media players (``mplayer``, ``playerContainer``, ``xgplayer``,
#: ``vjs-control-bar`` of video.js), whose controls (``倍速``, ``高清``,
#: ``00:00``) are never the article, comment forms and lists
#: (``commentform``, ``commentlist`` of blog engines) and polls
#: (``voteform``, ``votearea``: a poll's loading notice).
FURNITURE_TOKEN_PARTS = ("player", "vjs-", "comment", "vote")

#: class/id tokens of photo captions (``pic-info``, ``img_desc``, ``tuzhu``
#: 图注, ``picintro``); the caption tags are in ``CAPTION_TAGS``.
CAPTION_TOKENS = frozenset(
    (
        *("caption", "figcaption", "imgcaption", "piccaption", "pictext", "pic-txt", "pictxt"),
        *("img-desc", "imgdesc", "img_desc", "picdesc", "pic-desc", "picintro", "tuzhu", "tushuo"),
        *("image-caption", "photo-caption", "img-title", "imgtitle", "pic-title", "pictitle"),
        *("desc-img", "img-text", "imgtext", "picnote", "photo-desc", "pic-info", "picinfo"),
    )
)

# --- Furniture by its words ---------------------------------------------

#: A label's colon, full or half width (a regex fragment).
COLON = "[:：]"

#: Short controls that page templates print around an article.
CONTROL_WORDS = (
    *("字号", "字体", "大", "中", "小", "打印", "打印本页", "打印此页", "关闭", "关闭窗口"),
    *("关闭本页", "收藏", "加入收藏", "分享", "分享到", "纠错", "举报", "评论", "默认"),
    *("特大", "返回顶部", "返回列表", "返回首页", "返回上页", "扫一扫", "放大", "缩小"),
    *("复制链接", "微信", "微博", "QQ", "QQ空间", "展开", "收起", "展开全文", "阅读全文"),
    *("点击展开全文", "查看全文", "全文"),
    *("【", "】", "[", "]", "|", "｜", "/", "-", "·", "：", ":", "×"),
)

#: Headings that open a block of furniture running to the end of the page.
SECTION_HEADINGS = (
    *("联系我们", "联系方式", "相关新闻", "相关阅读", "相关文章", "相关链接", "相关报道"),
    *("推荐阅读", "热点推荐", "热门推荐", "延伸阅读", "猜你喜欢", "网友评论", "友情链接"),
    *("你可能还想看", "你可能感兴趣", "更多阅读", "热门文章", "精彩推荐", "今日推荐"),
    *("今日焦点", "本周推荐", "热门评论", "最新评论", "发表评论"),
)

#: Line starts that mark furniture wherever the line stands at an edge
#: (regex fragments).
FURNITURE_STARTS = (
    *("返回", "上一篇", "下一篇", "上一条", "下一条", "责任编辑", "责编"),
    *("编辑" + COLON, "审核" + COLON, "校对" + COLON, "审读" + COLON, "审\\s*读" + COLON),
    *("(?:总)?监\\s*制" + COLON, "值班编辑", "编审" + COLON, "终审" + COLON, "初审" + COLON),
    *("分享到", "扫一扫", "版权所有", "版权声明", "免责声明", "copyright", "©", "\\(c\\)"),
    *("本站(?:声明|郑重声明|所有|原创|部分)", "本网(?:声明|郑重声明|原创)"),
    *("主办", "承办", "技术支持", "网站地图", "当前位置", "您的位置", "您现在的位置"),
    *(
        "所在位置",
        "位置" + COLON,
        "\\*?本作品",
        "\\*?本文(?:来源|转载|转自|系转载|仅代表|观点|版权)",
    ),
    *(
        "转载请",
        "转自",
        "转载自",
        "稿件来源",
        "声明" + COLON,
        "点击数",
        "点击" + COLON,
        "浏览次数",
        "浏览" + COLON,
    ),
    *("阅读次数", "阅读" + COLON, "【纠错】", *SECTION_HEADINGS, "我要评论"),
    *("点击上方", "点击蓝字", "长按二维码", "长按识别", "扫码关注", "关注我们"),
    *("打开APP", "下载APP", "展开全文", "阅读原文", "trackback", "引用通告", "本文引用"),
    *("关键字" + COLON, "关键词" + COLON, "标签" + COLON, "tags?" + COLON),
    *("本贴由", "本帖由", "本帖最后由", "原标题" + COLON, "原题" + COLON),
    *("更多.{0,40}(?:请关注|请访问|请登录|敬请关注)", "\\[?图片说明", "图注" + COLON),
)

#: Anywhere in a short edge line: registration and copyright marks.
FURNITURE_MARKS = (
    *("ICP备", "ICP证", "公网安备", "网安备", "备案号", "版权所有", "Copyright"),
    *("All Rights Reserved", "如有侵权", "转载请注明", "未经(?:书面)?授权", "请勿转载"),
    *("禁止转载", "不得转载", "已被阅读\\d+次", "trackback"),
)

#: Labels of a contact block's lines (``电话:0354-2063092``), before a colon.
CONTACT_LABELS = (
    *("电话", "联系电话", "传真", "邮箱", "电子邮箱", "邮编", "邮政编码", "网址", "地址"),
    *("公司名称", "单位名称", "e-?mail", "qq", "微信", "热线"),
)

#: Crumbs that name no category: the page itself, or a site's one news
#: section (a company site's ``新闻中心`` holds all its news).
GENERIC_CRUMBS = frozenset(
    (
        *("正文", "详情", "内容", "文章", "首页", "主页", "列表", "文章列表", "阅读"),
        *("新闻", "新闻中心", "新闻动态", "新闻资讯", "资讯", "资讯中心", "动态"),
    )
)

# --- Lines inside the article that are not the article ------------------

#: Labels of an advertisement slot, alone on their line or leading it
#: (``广告``, ``推广``, ``Ad•``), and the close mark of an ad card.
AD_LABELS = ("广告", "推广", "赞助", "Ad", "AD", "ad", "广告通知")

#: Roles before a colon or bar in a credit line: ``文丨X``, ``执笔人：X``,
#: ``监 制：X``, ``来源 | X``.
CREDIT_ROLES = (
    *("记者", "通讯员", "实习生", "特约记者", "特约评论员", "评论员", "摄影", "摄", "图"),
    *("文", "作者", "撰文", "执笔", "执笔人", "译", "翻译", "译者", "编译", "整理"),
    *("编辑", "责编", "校对", "审核", "审读", "监制", "制作", "策划", "统筹", "视频"),
    *("来源", "出品", "主编", "供图", "供稿", "稿源"),
)

#: Roles that name people without a colon: ``本报记者 X Y``,
#: ``（总台央视记者 X）``, ``本报实习生 X``.
REPORTER_ROLES = ("记者", "通讯员", "实习生", "评论员", "特约记者", "摄影记者")

#: Outlets' prefixes of a role (``新华社记者``, ``本报记者``, ``总台央视记者``,
#: ``总监制``): up to this many characters before the role.
CREDIT_OUTLET_CHARS = 8

#: Longest credit line: a byline of a few names, a role and an outlet.
CREDIT_MAX_CHARS = 40

#: Labels of a photo caption block's start (``图片说明``, ``图注``).
CAPTION_STARTS = ("图片说明", "图注", "图说", "图为", "题图", "配图")

#: Lines that lead an article's original title (``原标题：``), alone on their line.
ORIGINAL_TITLE_LABELS = ("原标题", "原题")

#: Words that end a photo credit (``新华社记者 X 摄``, ``（X 供图）``).
PHOTO_CREDIT_ENDS = ("摄", "摄影", "供图", "拍摄")

#: Controls of a folded article: the text behind them is the article.
FOLD_LABELS = ("展开全文", "阅读全文", "查看全文", "点击展开全文", "展开剩余", "继续阅读")

#: Marks of a trailing disclaimer (a platform's "user-uploaded content"
#: notice, a copyright or liability statement), in Chinese or English;
#: such lines run longer than other furniture (regex fragments).
DISCLAIMER_MARKS = (
    *("仅提供信息存储服务", "不代表本(?:站|网|平台|号|报)(?:的)?(?:观点|立场)"),
    *("仅代表作者(?:本人|个人)?(?:的)?(?:观点|立场)", "^特别声明", "^免责声明", "^郑重声明"),
    *("版权归原作者", "请联系(?:我们|本站|本网)?(?:及时)?删除", "未经(?:书面)?授权.{0,10}转载"),
    *("^notice\\s*:", "^disclaimer", "information storage services"),
)

#: Longest trailing disclaimer line: a paragraph of legal text.
DISCLAIMER_MAX_CHARS = 300

#: Labels of an article's info line (``作者：X 2020年01月12日 浏览：272``):
#: two of them in a short line make it metadata, not prose.
INFO_LABELS = (
    *("作者", "来源", "浏览", "阅读", "点击", "发布", "发布时间", "时间", "编辑", "责任编辑"),
    *("日期", "字号", "人气", "评论", "访问", "访问统计", "阅读量", "浏览量", "点击量"),
)

#: Longest info line: labels, a date, a name, counters.
INFO_MAX_CHARS = 80
