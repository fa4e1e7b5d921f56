"""Meta descriptions from content and pages: whole sentences, plain text."""

from __future__ import annotations

from tebiki.site.describe import LIMIT, of_html, of_state, shorten

SUMMARY_JA = ("電子証明書の有効期限は、発行から5回目の誕生日までです。"
              "期限が切れると、正しい暗証番号を入れても使えません。"
              "ロックではないので、再設定では直りません。"
              "期限の3か月前から、住民票のある市区町村の窓口で無料で更新できます。"
              "在留期間が決まっている外国籍の方は、カードそのものの有効期限が"
              "在留期間の満了日までなので、確認してください。")


def test_a_long_text_is_cut_after_its_last_whole_sentence_within_the_limit():
    text = shorten(SUMMARY_JA)
    assert len(text) <= LIMIT and text.endswith("更新できます。")
    english = shorten("The certificates expire on your 5th birthday after they were issued. "
                      "After that, even the right PIN is refused. " * 3)
    assert english.endswith("refused.") and len(english) <= LIMIT


def test_one_long_sentence_is_cut_at_a_word_with_an_ellipsis():
    text = shorten("word " * 60)
    assert text.endswith("word…") and len(text) <= LIMIT


def test_short_texts_stay_whole_on_one_line():
    assert shorten("  Two\nlines.  ") == "Two lines."


def test_the_first_paragraph_with_text_as_plain_text():
    html = ('<h1>Title</h1><p> </p><p>Call <a href="tel:0120">0120</a> &amp; '
            '<strong>bring</strong>\n&lt;b&gt;</p><p>Second.</p>')
    assert of_html(html) == "Call 0120 & bring <b>"
    assert of_html("<h1>No paragraph</h1>") == ""


def test_a_state_says_its_outcome_else_its_tree():
    tree = {"summary": {"ja": "木の**要約**。", "en": "The tree."}}
    outcome = {"type": "outcome", "title": {"ja": "結果", "en": "Outcome"},
               "summary": {"ja": "結果の要約。", "en": "What to do."}}
    question = {"type": "question", "text": {"ja": "質問？", "en": "Which?"}}
    assert of_state(tree, outcome, "en") == "What to do."
    assert of_state(tree, question, "ja") == "木の要約。"
    assert of_state({}, dict(outcome, summary=None), "en") == "Outcome"


def test_an_embed_page_holds_its_description_as_text():
    from tebiki.site import embed

    page = embed.page("<div></div>", lang="en", title="T", up="../", others=[], icon="data:,",
                      description='Call us"><script data-xss>alert(1)</script> & go')
    assert ('<meta name="description" content="Call us&#34;&gt;&lt;script data-xss&gt;'
            'alert(1)&lt;/script&gt; &amp; go">') in page
    assert "<script data-xss>" not in page
