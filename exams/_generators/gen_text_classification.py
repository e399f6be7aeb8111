"""Generate exams/text-classification/pack.yaml from the texts written below.

Each source row: (task, text, gold, difficulty, explanation_zh, explanation_en).
For multi-label tasks gold is a list of option ids. Option order is fixed per task
so the gold is spread over positions by the content itself.
"""

from __future__ import annotations

from typing import Any

from common import assign_uses, item, lm, write_pack

PACK = "text-classification"

OPTIONS: dict[str, list[tuple[str, str, str]]] = {
    "sentiment": [("pos", "正面", "Positive"), ("neu", "中性", "Neutral"), ("neg", "负面", "Negative")],
    "intent": [
        ("order_status", "查询订单/物流", "Order or delivery status"),
        ("return", "退货/换货/退款", "Return, exchange or refund"),
        ("complaint", "投诉", "Complaint"),
        ("price", "咨询价格/优惠", "Price or discount question"),
        ("address", "修改收货信息", "Change delivery details"),
        ("other", "其他", "Other"),
    ],
    "topic": [
        ("sports", "体育", "Sports"), ("finance", "财经", "Finance"), ("tech", "科技", "Technology"),
        ("entertainment", "娱乐", "Entertainment"), ("society", "社会", "Society"),
        ("education", "教育", "Education"),
    ],
    "safety": [
        ("privacy", "隐私泄露", "Privacy leak"), ("threat", "威胁/暴力", "Threat or violence"),
        ("insult", "辱骂/人身攻击", "Insult"), ("fraud", "诈骗", "Fraud"),
        ("ad", "广告/引流", "Advertising"), ("none", "以上都不是", "None of these"),
    ],
    "spam": [("spam", "垃圾短信", "Spam"), ("ham", "正常短信", "Legitimate message")],
}

PROMPTS: dict[str, dict[str, str]] = {
    "sentiment": lm("判断这条用户评论的情感倾向。", "Label the sentiment of this user review."),
    "intent": lm("这是客服对话中用户的一句话，选择用户的主要意图。",
                 "This is a customer's message to customer service. Choose the main intent."),
    "topic": lm("为这条新闻选择一个主题类别。", "Choose the topic category of this news item."),
    "safety": lm("内容安全标注：选出这条评论涉及的全部风险类别（多选）；都不涉及时选“以上都不是”。",
                 "Content safety: choose every risk category this comment involves (multi-label); "
                 "choose 'None of these' if none applies."),
    "spam": lm("判断这条短信是垃圾短信还是正常短信。", "Is this text message spam or legitimate?"),
}

ELEMENT = {"sentiment": "P1.1", "topic": "P1.1", "intent": "P1.2", "spam": "P1.2", "safety": "P1.3"}

ROWS: list[tuple[str, str, Any, str, str, str]] = [
    # --- sentiment
    ("sentiment", "快递第二天就到了，包装很仔细，耳机音质比我预期的好，推荐购买。", "pos", "easy",
     "“比预期的好”“推荐购买”都是明确的正面评价，没有负面内容。",
     "'Better than I expected' and 'recommend' are clearly positive; nothing negative is said."),
    ("sentiment", "等了四十分钟才上菜，汤是凉的，找服务员也没人理。", "neg", "easy",
     "上菜慢、汤凉、服务无人回应，三处都是负面体验。",
     "Slow service, cold soup and no staff response: three negative experiences."),
    ("sentiment", "衣服收到了，尺码和描述一致，颜色是深蓝色。", "neu", "easy",
     "只陈述事实（尺码一致、颜色），没有表达喜欢或不满，属于中性。",
     "It only states facts (size matches, colour) with no like or dislike: neutral."),
    ("sentiment", "呵呵，充一次电能用半天，真是“超长续航”。", "neg", "medium",
     "引号中的“超长续航”是反讽，实际抱怨续航只有半天，应标负面。",
     "The quoted 'super long battery life' is sarcasm; the user complains it lasts half a day: negative."),
    ("sentiment", "价格是贵了点，但是做工和售后都没得挑，下次还会来买。", "pos", "medium",
     "先抑后扬：转折词“但是”之后的内容是评价重点，且有复购意愿，整体为正面。",
     "Concession then praise: what follows 'but' carries the judgement, and the user will buy again: positive."),
    ("sentiment", "屏幕很清晰，可惜三天就出现了坏点，申请售后还在排队。", "neg", "medium",
     "“可惜”之后的坏点和售后排队是主要体验，优点只是铺垫，整体负面。",
     "The dead pixels and the queue after 'unfortunately' dominate; the praise is only a lead-in: negative."),
    ("sentiment", "不是说不好，就是没有宣传里说的那么神奇，正常水平吧。", "neu", "hard",
     "既否认“不好”，又否认“神奇”，结论“正常水平”，没有明显倾向，标中性。",
     "It denies both 'bad' and 'amazing' and concludes 'average': no clear polarity, neutral."),
    ("sentiment", "本来没抱什么希望，结果孩子一用就爱上了，真香。", "pos", "hard",
     "“真香”是网络用语，表示先前不看好、后来很满意，整体正面。",
     "'真香' is slang for being won over after low expectations: positive."),
    ("sentiment", "酒店位置不错，离地铁站很近。", "pos", "easy",
     "“位置不错”“很近”是对酒店的肯定评价，属于正面。",
     "'Good location' and 'very close' praise the hotel: positive."),
    ("sentiment", "The delivery was late again and nobody answered my emails.", "neg", "easy",
     "英文评论同样按规范标注：多次迟到、邮件无人回复，为负面。",
     "English reviews follow the same rules: repeated delay and unanswered emails are negative."),
    # --- intent
    ("intent", "我昨天下的单怎么还显示待发货？什么时候能发出来？", "order_status", "easy",
     "用户询问订单何时发货，属于查询订单/物流。",
     "The user asks when the order will ship: order or delivery status."),
    ("intent", "鞋子小了一码，能换大一号的吗？", "return", "easy",
     "要求换尺码属于退换货意图。", "Asking to swap for a bigger size is an exchange: return/exchange/refund."),
    ("intent", "收件人电话写错了，最后一位是8不是6，麻烦帮我改一下。", "address", "easy",
     "修改收件人电话属于修改收货信息。", "Correcting the recipient's phone number is changing delivery details."),
    ("intent", "这个套餐现在买有没有满减？学生价是多少？", "price", "easy",
     "询问满减和学生价，是价格/优惠咨询。", "Asking about discounts and student prices is a price question."),
    ("intent", "你们快递员把包裹直接扔在门口，东西被人拿走了，我要投诉他！", "complaint", "medium",
     "虽然涉及物流，但用户明确表达“要投诉”快递员的服务，主要意图是投诉。",
     "It involves delivery, but the user explicitly wants to complain about the courier: complaint."),
    ("intent", "东西坏了，我不要了，钱什么时候退给我？", "return", "medium",
     "用户关心退款进度，核心诉求是退款，应归入退换货/退款，而不是查询物流或投诉。",
     "The user wants the refund; the core request is return/refund, not delivery status or complaint."),
    ("intent", "请问你们周末客服几点下班？", "other", "medium",
     "询问客服工作时间，不属于列出的任何业务意图，选“其他”。",
     "Asking about support hours matches none of the listed intents: other."),
    ("intent", "我改了地址之后物流信息还是旧的，包裹现在到底到哪了？", "order_status", "hard",
     "句子提到改地址，但当前诉求是“包裹到哪了”，即查询物流；标注看用户此刻想办的事。",
     "An address change is mentioned, but the request now is where the parcel is: delivery status. "
     "Label what the user wants done now."),
    # --- topic
    ("topic", "国家队在昨晚的世界杯预选赛中以2比1逆转对手，暂列小组第二。", "sports", "easy",
     "世界杯预选赛比分，体育新闻。", "A World Cup qualifier result: sports."),
    ("topic", "央行宣布下调存款准备金率0.5个百分点，预计释放长期资金约一万亿元。", "finance", "easy",
     "存款准备金率、释放资金属于货币政策，财经新闻。",
     "Reserve-requirement ratio and liquidity are monetary policy: finance."),
    ("topic", "某研究团队发布新一代开源大模型，在多项中文评测中刷新纪录。", "tech", "easy",
     "大模型发布与评测属于科技新闻。", "A new large model and its benchmarks: technology."),
    ("topic", "教育部发布通知，要求中小学每天安排学生校内体育活动不少于一小时。", "education", "medium",
     "虽提到体育活动，但发布主体和对象是教育部与中小学，主题是教育政策。",
     "Physical activity is mentioned, but the actor and audience are the Ministry of Education and "
     "schools: education."),
    ("topic", "知名导演新片定档国庆，主演阵容今日官宣。", "entertainment", "easy",
     "电影定档、官宣主演，娱乐新闻。", "A film release date and cast: entertainment."),
    ("topic", "暴雨导致城区多处积水，消防救援人员连夜转移被困群众两百余人。", "society", "easy",
     "灾害与救援属于社会新闻。", "Flooding and rescue: society."),
    ("topic", "某科技公司发布三季度财报，营收同比增长18%，股价盘后上涨6%。", "finance", "hard",
     "主体是科技公司，但报道内容是财报、营收和股价，主题应标财经；按报道内容而非公司行业分类。",
     "The company is a tech firm, but the story is earnings, revenue and share price: finance. "
     "Classify by what is reported, not by the company's industry."),
    ("topic", "多所高校开设人工智能训练师微专业，学生可获得职业技能等级证书。", "education", "hard",
     "涉及人工智能，但核心是高校开设专业与证书培养，属于教育。",
     "AI is mentioned, but the core is universities opening programmes and certificates: education."),
    # --- safety (multi-label)
    ("safety", "楼下那个姓王的住502，手机号139xxxx1234，天天半夜吵，谁有空去教训他一顿。", ["privacy", "threat"], "medium",
     "公开他人住址和手机号属于隐私泄露；号召“去教训他”是暴力威胁。两个标签都要选。",
     "Publishing someone's flat number and phone is a privacy leak; calling on others to 'teach him a "
     "lesson' is a threat. Both labels apply."),
    ("safety", "今天天气真好，带孩子去公园放风筝了。", ["none"], "easy",
     "普通生活分享，不涉及任何风险类别，选“以上都不是”。",
     "An ordinary post about daily life: none of these."),
    ("safety", "加微信 xx8888 领取内部渠道，日赚五百，名额有限！", ["ad", "fraud"], "medium",
     "引流到私人微信属于广告/引流；“日赚五百”的内部渠道是典型诈骗话术。",
     "Steering users to a private WeChat is advertising; 'earn 500 a day' via an 'inside channel' is a "
     "classic scam line."),
    ("safety", "你这种脑子也配发言？赶紧闭嘴吧，蠢货。", ["insult"], "easy",
     "针对个人的侮辱性称呼，属于辱骂/人身攻击，没有威胁或其他类别。",
     "Name-calling aimed at a person is an insult; no threat or other category."),
    ("safety", "您的医保账户异常，请点击链接输入银行卡号和验证码进行解冻。", ["fraud"], "easy",
     "冒充医保、诱导输入银行卡号和验证码，是诈骗。",
     "Impersonating health insurance and asking for card number and code is fraud."),
    ("safety", "再让我在小区看见你的车乱停，我就把你的轮胎扎了。", ["threat"], "medium",
     "扬言损坏他人财产属于威胁；没有侮辱性词语，不选辱骂。",
     "Threatening to damage someone's property is a threat; there is no name-calling, so not insult."),
    ("safety", "这是我同事的身份证照片和家庭住址，大家帮忙看看他是不是老赖，这个骗子！", ["privacy", "insult"], "hard",
     "散布身份证和住址是隐私泄露；称他人为“骗子”属于人身攻击。本身不是诈骗行为，不选诈骗。",
     "Spreading an ID card and home address is a privacy leak; calling him a 'swindler' is an insult. "
     "The post itself is not a scam, so not fraud."),
    ("safety", "这款面膜我用了一个月，皮肤确实变好了，在官方旗舰店买的。", ["none"], "hard",
     "真实的使用体验分享，提到购买渠道不等于广告引流（没有联系方式、链接或招揽），选“以上都不是”。",
     "A genuine user review; naming where it was bought is not advertising (no contact, link or "
     "solicitation): none of these."),
    ("safety", "代办各类证件，包过，联系QQ 12345678，不成功不收费。", ["ad", "fraud"], "medium",
     "留联系方式招揽生意是广告；“代办证件包过”属于违法欺诈服务。",
     "Soliciting business with a contact number is advertising; 'guaranteed fake documents' is fraudulent."),
    ("safety", "你们谁知道张某某的新住址？他欠我钱不还，找到他我弄死他。", ["privacy", "threat"], "hard",
     "打听并试图获取他人住址属于侵犯隐私；“弄死他”是明确的暴力威胁。",
     "Seeking someone's home address targets their privacy; 'I'll kill him' is an explicit threat."),
    # --- spam
    ("spam", "【XX银行】您尾号6621的信用卡本期账单1,286.50元，到期还款日11月25日。", "ham", "medium",
     "有官方签名、具体卡号尾号和金额，没有链接或索要信息，是正常账单提醒。",
     "Official signature, card suffix and amount, no link and no request for data: a legitimate bill reminder."),
    ("spam", "恭喜您被抽中为幸运用户，获得iPhone一部，点击 t.cn/xxxx 填写信息领取！", "spam", "easy",
     "中奖诱导加短链接填写信息，典型垃圾/诈骗短信。",
     "A 'you have won' lure with a short link asking for details: typical spam."),
    ("spam", "妈，我手机掉水里了，这是新号，先别打电话，急用钱转我两千。", "spam", "medium",
     "冒充亲属、阻止电话核实、催促转账，是冒充熟人诈骗短信。",
     "Impersonating a relative, blocking a call-back and urging a transfer: impersonation scam."),
    ("spam", "您的验证码为 482913，5分钟内有效，请勿泄露给他人。", "ham", "easy",
     "正常的验证码通知，并提示不要泄露。", "A normal verification code that warns not to share it."),
    ("spam", "明天上午十点在三楼会议室开项目周会，请带上本周的标注质检报告。", "ham", "easy",
     "工作通知，内容具体，无推销或诱导。", "A concrete work notice with no selling or lures."),
    ("spam", "【某某教育】家长您好，暑期班最后3个名额，报名立减800，回T退订。", "spam", "hard",
     "带签名和退订方式，但内容是营销推广，按短信分类规范属于垃圾（营销）短信。",
     "It has a signature and opt-out, but it is marketing: under the SMS spec it is spam."),
]


def options(task: str) -> list[dict[str, Any]]:
    return [{"id": oid, "text": lm(zh, en)} for oid, zh, en in OPTIONS[task]]


def build() -> list[dict[str, Any]]:
    items = []
    for number, (task, text, gold, difficulty, ezh, een) in enumerate(ROWS, start=1):
        multi = isinstance(gold, list)
        items.append(item(
            f"tc-{number:03d}",
            "multi_choice" if multi else "single_choice",
            PROMPTS[task],
            {"text": text, "options": options(task)},
            {"choices": gold} if multi else {"choice": gold},
            lm(ezh, een),
            ELEMENT[task],
            [task, difficulty],
        ))
    assign_uses(PACK, items)
    return items


if __name__ == "__main__":
    write_pack(
        PACK,
        lm("文本分类", "Text classification"),
        lm("情感、用户意图、新闻主题、内容安全（多标签）与垃圾短信识别，全部为自编中文（含少量英文）文本。",
           "Sentiment, user intent, news topic, content safety (multi-label) and spam detection on "
           "original Chinese (and some English) texts."),
        "text_classification",
        build(),
        version=2,
    )
