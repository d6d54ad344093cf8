"""The made-up people, groups and reading notes that ``seed_demo`` writes.

Plain data only, all of it written for this project. ``seed_demo`` combines
the phrase banks into items with a fixed random seed, so every run of it
produces the same content. Hosts are reserved example domains: nothing here
is ever fetched.
"""

from datetime import UTC, datetime

#: Fixed, so two runs (and two machines) make the same content.
SEED = 20241130
#: "Now" for the demo: items are spread over the six years before it.
BASE_DATE = datetime(2024, 11, 30, 9, 30, tzinfo=UTC)
SPAN_DAYS = 6 * 365

#: (username, display name)
USERS = [
    ("lin.xiaoyu", "林 小雨"),
    ("meichen", "Mei Chen"),
    ("wang.daming", "王大明"),
    ("oskar", "Oskar Lind"),
    ("chang.yiting", "張 怡婷"),
    ("priya", "Priya Raman"),
]

# Each topic is (English, 繁體中文, 简体中文).
SYSTEMS_TOPICS = [
    ("write-ahead logs", "預寫日誌", "预写日志"),
    ("consensus protocols", "共識協定", "共识协议"),
    ("backpressure", "背壓", "背压"),
    ("idempotent consumers", "冪等消費者", "幂等消费者"),
    ("leader leases", "領導者租約", "领导者租约"),
    ("vector clocks", "向量時鐘", "向量时钟"),
    ("service meshes", "服務網格", "服务网格"),
    ("event sourcing", "事件溯源", "事件溯源"),
    ("read replicas", "唯讀副本", "只读副本"),
    ("zero-downtime schema changes", "不停機的資料表變更", "不停机的表结构变更"),
    ("rate limiting", "限流", "限流"),
    ("cache invalidation", "快取失效", "缓存失效"),
    ("queue-based load levelling", "佇列削峰", "队列削峰"),
    ("the outbox pattern", "交易外寄箱模式", "事务发件箱模式"),
    ("sharding", "資料分片", "数据分片"),
    ("circuit breakers", "斷路器", "熔断器"),
    ("monolith decomposition", "拆分單體應用", "拆分单体应用"),
    ("API gateways", "API 閘道", "API 网关"),
    ("clock skew", "時鐘偏移", "时钟偏移"),
    ("retries with jitter", "帶抖動的重試", "带抖动的重试"),
]

TYPE_TOPICS = [
    ("line length", "行長", "行长"),
    ("CJK punctuation", "標點擠壓", "标点挤压"),
    ("vertical writing", "直排", "竖排"),
    ("font fallback stacks", "字型備援", "字体回退"),
    ("baseline grids", "基線網格", "基线网格"),
    ("spacing between Han and Latin text", "中西文間距", "中西文间距"),
    ("ruby annotations", "注音標註", "注音标注"),
    ("web font subsetting", "網頁字型子集化", "网页字体子集化"),
]

INCIDENT_TOPICS = [
    ("a cascading cache failure", "快取連鎖失效", "缓存雪崩"),
    ("an expired certificate", "憑證過期", "证书过期"),
    ("a runaway cron job", "失控的排程任務", "失控的定时任务"),
    ("a full disk on the primary", "主庫磁碟寫滿", "主库磁盘写满"),
    (
        "a DNS change that took a day to undo",
        "花了一天才回復的 DNS 變更",
        "花了一天才回滚的 DNS 变更",
    ),
    ("a retry storm", "重試風暴", "重试风暴"),
]

# Title patterns per language: "{s}" is the topic, "{S}" the topic capitalised.
SYSTEMS_TITLES = {
    "en": [
        "Reading notes on {s}",
        "What {s} taught us about failure",
        "{S} for small teams",
        "A field guide to {s}",
        "{S}, revisited",
        "The quiet costs of {s}",
        "Designing around {s}",
        "{S} without the hype",
    ],
    "zh-hant": [
        "{s}的取捨",
        "重讀{s}：讀書筆記",
        "從零理解{s}",
        "{s}在正式環境的教訓",
    ],
    "zh-hans": [
        "{s}实践笔记",
        "聊聊{s}的边界",
        "{s}踩坑记录",
        "慢慢读懂{s}",
    ],
}

TYPE_TITLES = {
    "en": ["Notes on {s}", "Getting {s} right on screen", "{S} in practice"],
    "zh-hant": ["{s}的細節", "談{s}"],
    "zh-hans": ["{s}小记", "网页上的{s}"],
}

INCIDENT_TITLES = {
    "en": ["Postmortem: {s}", "What we learned from {s}"],
    "zh-hant": ["事故回顧：{s}", "{s}之後，我們改了什麼"],
    "zh-hans": ["{s}复盘", "从{s}学到的事"],
}

# Highlights: passages a reader marked. "{s}" / "{S}" are filled with the topic.
SYSTEMS_HIGHLIGHTS = {
    "en": [
        "The hard part of {s} is not the happy path; it is deciding what happens "
        "on the second attempt.",
        "Most teams adopt {s} right after an outage, which is exactly when they are "
        "least able to do it carefully.",
        "{S} moves complexity around rather than removing it, so ask where it lands.",
        "Before reaching for {s}, measure whether the problem is where you think it is.",
        "The author treats {s} as a property of the whole system, not of any one service.",
        "If nobody on call can explain {s} in two sentences, it is not ready for production.",
        "Every description of {s} hides an assumption about clocks.",
        "Good documentation of {s} starts with the failure modes, not the diagram.",
        "Latency is a distribution, not a number; the tail is where users live.",
        "A timeout without a retry budget is just a slower way to fail.",
        "Idempotency keys belong in the request, not in the server's memory.",
        "Ordering guarantees are expensive, so be precise about which ones you need.",
        "A queue does not remove load; it moves it to later and hopes later is quieter.",
        "Exactly-once delivery is usually at-least-once delivery plus deduplication.",
        "The network is reliable until the day you depend on it being reliable.",
        "Split services along the lines of who changes them, not along database tables.",
        "Observability added after an incident explains the next incident, not this one.",
        "The simplest sharding key is rarely the one that survives growth.",
        "Split a schema change into expand and contract steps that each deploy safely alone.",
        "Caching a wrong answer makes it fast and wrong.",
        "Health checks that touch every dependency turn one slow database into a "
        "fleet-wide restart.",
        "Consensus is cheap to read about and expensive to operate.",
        "A leader that does not know it has been replaced is the most dangerous "
        "process in the cluster.",
        "Back off exponentially, add jitter, and cap the total time spent retrying.",
        "Every synchronous call is a promise that the other side is up right now.",
        "Write the runbook while you still remember why the alert exists.",
        "Batching raises throughput and quietly raises latency for the first item in each batch.",
        "A migration plan needs a rollback plan, and the rollback needs a rehearsal.",
        "Event logs are easy to append to and surprisingly hard to read a year later.",
        "Keep the number of moving parts in proportion to the people who can fix them.",
        "Reads outnumber writes, until a bulk import reminds you otherwise.",
        "Replication lag is invisible in tests and obvious to the user who just saved a form.",
        "Small, boring services are easier to reason about than one clever one.",
        "A gateway is a good place for authentication and a bad place for business rules.",
        "Measure the depth and the age of a queue, not only its throughput.",
        "Design reviews catch the failures you can imagine; game days catch the rest.",
        "Partial failure is the normal state of a distributed system, not an exception.",
        "The cost of a distributed transaction is paid by whoever has to debug it.",
        "Capacity planning is mostly knowing which resource runs out first.",
        "Rename things early: a misleading name in a protocol lasts for years.",
    ],
    "zh-hant": [
        "{s}最難的不是正常流程，而是第二次嘗試時該怎麼辦。",
        "導入{s}之前，先量測瓶頸到底在哪裡。",
        "{s}只是把複雜度搬了家，要問清楚它搬到哪裡去。",
        "逾時設定若沒有重試預算，只是比較慢的失敗。",
        "冪等鍵應該跟著請求走，而不是留在伺服器的記憶體裡。",
        "佇列不會消除負載，只是把它延後，並期待之後比較空閒。",
        "所謂「恰好一次」，多半是「至少一次」再加上去重。",
        "依照誰在修改程式來切分服務，而不是依照資料表。",
        "快取了錯誤的答案，只會讓它又快又錯。",
        "不知道自己已被取代的領導者，是叢集裡最危險的行程。",
        "每一次同步呼叫，都是在假設對方此刻正常運作。",
        "趁還記得告警存在的理由時，把處理手冊寫下來。",
        "資料表變更要拆成擴充與收斂兩步，每一步都能單獨安全部署。",
        "複寫延遲在測試中看不見，對剛按下儲存的使用者卻一目了然。",
        "部分失敗是分散式系統的常態，不是例外。",
        "系統的零件數量，應該和能修好它們的人數成比例。",
        "名稱要趁早改；協定裡一個誤導人的名字會流傳好幾年。",
        "先寫下失敗模式，再畫架構圖。",
    ],
    "zh-hans": [
        "{s}真正难的地方不在正常路径，而在重试的那一刻。",
        "很多团队是在事故之后才引入{s}的，而那恰恰是最难做仔细的时候。",
        "在动手做{s}之前，先确认问题真的出在你以为的地方。",
        "延迟是一个分布，不是一个数字；用户都活在长尾里。",
        "指数退避要加上随机抖动，并且限制重试的总时长。",
        "网关适合做认证，不适合放业务规则。",
        "批处理提升了吞吐量，却悄悄拉长了每批第一条数据的延迟。",
        "迁移方案需要回滚方案，回滚方案需要演练。",
        "事件日志写起来容易，一年之后读起来却很难。",
        "小而无聊的服务，比一个聪明的大服务更容易推理。",
        "监控队列的深度和积压时间，而不只是吞吐量。",
        "评审只能发现你想得到的故障，演练才能发现其余的。",
        "分布式事务的成本，由负责排查它的人来支付。",
        "容量规划主要是搞清楚哪种资源会先耗尽。",
        "读多写少，直到某次批量导入提醒你并非如此。",
        "最简单的分片键，往往撑不过业务增长。",
        "共识算法读起来便宜，运维起来昂贵。",
        "把健康检查连到所有依赖上，一个慢数据库就能让整个集群重启。",
    ],
}

#: Incident reviews reuse the general lines, plus a few about the incident itself.
INCIDENT_HIGHLIGHTS = {
    language: [line for line in lines if "{" not in line]
    for language, lines in SYSTEMS_HIGHLIGHTS.items()
}
INCIDENT_HIGHLIGHTS["en"] += [
    "The timeline shows {s} was visible on a dashboard an hour before anyone was paged.",
    "Nobody did anything wrong during {s}; the system made the wrong thing easy.",
    "The fix took ten minutes; finding which of the fixes to apply took three hours.",
]
INCIDENT_HIGHLIGHTS["zh-hant"] += [
    "回頭看時間線，{s}在有人被呼叫前一小時就已經出現在儀表板上。",
    "修復只花了十分鐘，找出該用哪個修復方法卻花了三小時。",
]
INCIDENT_HIGHLIGHTS["zh-hans"] += [
    "复盘的重点不是追究是谁，而是为什么{s}这么容易发生。",
    "告警响了三次，每次都被当成了误报。",
]

TYPE_HIGHLIGHTS = {
    "en": [
        "Forty-five to seventy-five characters per line is a range, not a rule.",
        "Chinese text wants more line height than Latin text set at the same size.",
        "A fallback stack should name a CJK face before the generic family.",
        "Subsetting a CJK font is the difference between a five-megabyte download "
        "and a page people can read.",
        "Punctuation width is a typographic decision, not a font bug.",
        "Vertical text changes which way the reader expects the page to move.",
        "Ruby should be easy to hide for fluent readers and present for learners.",
        "The gap between Han and Latin characters is usually about a quarter of an em.",
        "{S} is easy to get almost right and hard to get exactly right.",
        "Test {s} with real paragraphs, never with placeholder text.",
    ],
    "zh-hant": [
        "中文內文的行高，通常要比英文寬鬆一些。",
        "標點的寬度是排版的決定，不是字型的錯誤。",
        "直排時，讀者對翻頁方向的預期也會跟著改變。",
        "中西文之間留一點間距，閱讀會順很多。",
        "{s}看似小事，卻最能看出用不用心。",
        "用真實的段落來測試{s}，不要用假文。",
    ],
    "zh-hans": [
        "中文网页字体不做子集化，首屏就会卡很久。",
        "回退字体栈里，要先写中文字体，再写通用字体族。",
        "注音对熟练读者应该可以隐藏，对学习者则要保留。",
        "{s}做到差不多很容易，做到刚刚好很难。",
        "行长是一个范围，而不是一条死规定。",
        "标点挤压处理得好，整段文字会安静很多。",
    ],
}

#: Sticky notes a reader pins to their own highlights.
STICKY_NOTES = [
    "Compare with how our billing worker retries.",
    "Worth quoting in the next design review.",
    "I disagree for read-heavy workloads; see the section on replicas.",
    "Try this on the staging cluster first.",
    "Good line for the onboarding doc.",
    "Not convinced: the benchmark ran on a single laptop.",
    "這段要跟團隊分享。",
    "和我們上次的事故幾乎一模一樣。",
    "這裡的前提是時鐘同步，要小心。",
    "同意，但单机部署时并不成立。",
    "下次架构评审可以引用这一句。",
    "记一下：回头找作者提到的那篇论文。",
]

#: A sharer's own note on a whole page.
DESCRIPTIONS = [
    "Long, but the middle section on failure handling is worth the time.",
    "A calm, practical overview; a good first read for new teammates.",
    "Mostly opinion, but the diagrams are clear.",
    "Short and sharp. Read it twice.",
    "文章偏長，後半段關於故障處理的部分最有價值。",
    "例子很具体，适合新同事入门。",
    "作者的結論我不完全同意，但問題定義得很好。",
]

#: Members' notes in a group's discussion of an item.
DISCUSSION = [
    "Should we try this before the storage migration?",
    "I used the approach from the second half last year; it held up under load.",
    "Adding this to Thursday's reading list.",
    "Does anyone have numbers for this on PostgreSQL?",
    "The highlighted claim needs a source. Does anyone know one?",
    "Agreed; it matches what we saw in March.",
    "這個做法在我們的規模下划算嗎？",
    "下週讀書會可以討論這篇。",
    "我们组去年踩过一样的坑。",
    "有没有人试过作者推荐的那个参数？",
]

#: The groups, their members and how their items are made. ``tags.every`` is
#: given to every item except every ``tags.skip_every``-th one.
GROUPS = [
    {
        "slug": "systems-reading",
        "name": "Systems Reading 系統閱讀會",
        "visibility": "public",
        "description": (
            "We read about how distributed systems fail and how to build ones that "
            "fail less. 每週分享一篇架構文章，歡迎旁聽。"
        ),
        "owner": "lin.xiaoyu",
        "members": {
            "meichen": "moderator",
            "wang.daming": "member",
            "oskar": "member",
            "chang.yiting": "member",
            "priya": "member",
        },
        "item_count": 56,
        "topics": SYSTEMS_TOPICS,
        "titles": SYSTEMS_TITLES,
        "highlights": SYSTEMS_HIGHLIGHTS,
        "tags": {
            "every": ["architecture"],
            "skip_every": 9,
            "some": [
                "架构",
                "分散式系統",
                "databases",
                "reading list",
                "event sourcing",
                "Kubernetes",
                "微服務",
                "long read",
            ],
        },
        #: Highlight counts for the first items, so "N more annotations" has work to do.
        "heavy": [35, 22, 17, 28, 15, 19],
        "hosts": [
            "notes.example.org",
            "blog.example.com",
            "engineering.example.net",
            "papers.example.org",
            "讀書會.example",
        ],
    },
    {
        "slug": "字體排版",
        "name": "字體與排版 Type Notes",
        "visibility": "public",
        "description": "Notes on setting Chinese and Latin text together, on paper and on screen.",
        "owner": "chang.yiting",
        "members": {"meichen": "member", "lin.xiaoyu": "member"},
        "item_count": 9,
        "topics": TYPE_TOPICS,
        "titles": TYPE_TITLES,
        "highlights": TYPE_HIGHLIGHTS,
        "tags": {"every": ["typography"], "skip_every": 0, "some": ["排版", "CJK", "web fonts"]},
        "heavy": [],
        "hosts": ["type.example.com", "fonts.example.net", "笔记.example"],
    },
    {
        "slug": "night-shift",
        "name": "Night Shift 值班手記",
        "visibility": "private",
        "description": "Incident reviews from our on-call rotation. Members only: keep it here.",
        "owner": "oskar",
        "members": {"wang.daming": "moderator", "priya": "member"},
        "item_count": 12,
        "topics": INCIDENT_TOPICS,
        "titles": INCIDENT_TITLES,
        "highlights": INCIDENT_HIGHLIGHTS,
        "tags": {
            "every": ["postmortem"],
            "skip_every": 0,
            "some": ["on-call", "值班", "databases"],
        },
        "heavy": [18],
        "hosts": ["incidents.example.net", "wiki.example.com"],
    },
]

#: Bookmarks kept out of every group: (owner, url, title, tags, private).
LIBRARY = [
    (
        "lin.xiaoyu",
        "https://garden.example.net/tomatoes/blight",
        "Tomato blight: early signs",
        ["gardening"],
        True,
    ),
    (
        "lin.xiaoyu",
        "https://books.example.org/2024/to-read",
        "今年想讀的書",
        ["reading list"],
        True,
    ),
    (
        "meichen",
        "https://travel.example.com/kyoto/late-autumn",
        "Kyoto in late autumn",
        ["travel"],
        False,
    ),
    ("wang.daming", "https://recipes.example.com/congee", "白粥的火候", ["料理"], True),
    (
        "oskar",
        "https://money.example.net/year-end-checklist",
        "Year-end paperwork checklist",
        ["admin"],
        True,
    ),
    (
        "chang.yiting",
        "https://home.example.org/balcony-herbs",
        "阳台香草种植笔记",
        ["gardening", "阳台"],
        True,
    ),
    (
        "priya",
        "https://music.example.net/practice-log",
        "A practice log that stuck",
        ["music", "habits"],
        False,
    ),
    (
        "priya",
        "https://example.com/bike/winter-tyres",
        "Winter tyres for a city bike",
        ["cycling"],
        True,
    ),
]
