"""Template families: one stock response however it was edited; macros that differ in key words stay apart."""

import pandas as pd

import replydiag


def _families(lines):
    replies = replydiag.analyze(pd.DataFrame({"text": lines})).replies
    assert (replies["kind"] != "personal").all()
    return replies["template_id"].tolist()


def test_replies_between_two_templates_chain_them_into_one_family():
    # Two wordings of one request, each sent often enough to be a template of its own, and
    # a reply between them (alike to both): a reader follows one stock response.
    first = "Can you send us a DM with the email address on your account? We'll take a look backstage."
    second = "Can you send us a DM with the email address on the account? We'll check it out backstage."
    between = "Can you send us a DM with the email address on the account? We'll take a look backstage."
    ids = _families([first] * 4 + [second] * 4 + [between])
    assert len(set(ids)) == 1
    # Without it they are two templates alike on their own: two families (a macro with a
    # varying slot shows as SLOT_VARIANTS such templates or more, see the next test).
    assert len(set(_families([first] * 4 + [second] * 4))) == 2


def _courier_macro():
    """Four couriers x three weekdays, each sent three times."""
    return [
        f"Could you confirm the delivery address for order 88{i}? Our courier {c} was unable to find it on {d}."
        for c in ["DHL", "UPS", "Evri", "Yodel"]
        for d in ["Monday", "Friday", "Sunday"]
        for i in range(3)
    ]


def test_a_macro_with_variable_words_outside_the_mask_list_is_one_family():
    # "Our courier {courier} was unable to find it on {day}": every courier x weekday seen
    # three times is a template of its own; so many alike templates are one macro.
    assert len(set(_families(_courier_macro()))) == 1


def test_a_macro_ending_after_a_slot_of_five_values_is_the_macro_not_a_signature():
    # A fifth courier gave the ending "was unable to find it on monday" five different words
    # before it in a third of the replies, as a signature has: it was learned as boilerplate,
    # stripped, and the Monday replies fell out of the family (Parcelforce's became personal).
    parcelforce = "Could you confirm the delivery address for order 77? Our courier Parcelforce was unable to find it on Monday."
    result = replydiag.analyze(pd.DataFrame({"text": _courier_macro() + [parcelforce] * 2}))
    assert result.boilerplate.empty
    assert (result.replies["kind"] == "template").all()
    assert result.replies["template_id"].nunique() == 1


def test_a_macros_family_shows_its_slots_with_the_values_sent_in_three_replies_or_more():
    # The family joins one cluster per courier x weekday: aligned together, the courier and
    # the weekday are its slots. Each courier was sent 9 times (DHL 11) and each weekday 12;
    # "Tuesday", sent twice, is no value of the macro's to show (it may be a customer's).
    tuesday = "Could you confirm the delivery address for order 77? Our courier DHL was unable to find it on Tuesday."
    lines = _courier_macro() + [tuesday] * 2
    result = replydiag.analyze(pd.DataFrame({"text": lines}))
    assert (result.replies["kind"] == "template").all()
    assert len(result.templates) == 1
    row = result.templates.iloc[0]
    assert row["template_text"] == (
        "Could you confirm the delivery address for order {number}? Our courier {name} was unable to find it on {day}."
    )
    # The three most sent values of each slot (ties in alphabetical order), with their replies.
    assert (
        row["slot_values"]
        == "{name}: DHL (11), Evri (9), UPS (9); {day}: Friday (12), Monday (12), Sunday (12)"
    )


def test_two_macros_alike_but_for_key_words_stay_two_families():
    refund = (
        "Hi {n}, your refund for order {o} has been processed and should arrive within 5-7 business days."
    )
    swap = (
        "Hi {n}, your replacement for order {o} has been shipped and should arrive within 5-7 business days."
    )
    names = ["Ann", "Bo", "Cy", "Di"]
    lines = [refund.format(n=n, o=1000 + i) for i, n in enumerate(names)]
    lines += [swap.format(n=n, o=2000 + i) for i, n in enumerate(names)]
    ids = _families(lines)
    assert len(set(ids[:4])) == 1 and len(set(ids[4:])) == 1 and ids[0] != ids[4]


def test_replies_templated_by_a_recurring_span_alone_are_one_family_named_by_it():
    # No stock sentence (each sentence opens with the writer's own words), but the same long
    # run closes both: templated by that span, and one family, shown as the span.
    lines = [
        "I spoke with the Leeds depot so we have refunded the full amount to your original payment method today.",
        "Your parcel never left March storage but we have refunded the full amount to your original payment method today.",
        "The box was crushed.",
    ]
    result = replydiag.analyze(pd.DataFrame({"text": lines}))
    replies = result.replies
    assert replies["kind"].tolist() == ["edited", "edited", "personal"]
    family = replies["template_id"].iloc[0]
    assert pd.notna(family) and replies["template_id"].iloc[1] == family
    text = result.templates.set_index("template_id").loc[family, "template_text"]
    # Both replies hold several equally sent runs of it: one names the family, whichever.
    span = text.strip("… ")
    assert text.startswith("…") and len(span.split()) == 7
    assert span in lines[0].lower() and span in lines[1].lower()


def test_a_greeting_that_varies_is_one_slot_and_the_punctuation_after_a_masked_name_none():
    # "Hi There," against "Dear Ms {name},": one changed block spans the greeting, the masked
    # name and its comma. The comma had become a slot of its own ("{text} {name}{name},").
    from replydiag.slots import recover

    rest = ", please clear your cache and try again."
    found = recover(
        "Dear Ms {name}" + rest,
        [("Dear Ms {name}" + rest, 3), ("Hi There" + rest, 4), ("Hello {name}" + rest, 2), ("Hi" + rest, 2)],
    )
    assert found.text == "{text} {name}" + rest
    assert found.described_values() == "{text}: Hi There (4), Dear Ms (3)"
