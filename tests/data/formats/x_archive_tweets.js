window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ "1590000000000000001" ], "editableUntil" : "2022-11-08T12:00:00.000Z", "editsRemaining" : "5", "isEditEligible" : true } },
      "retweeted" : false,
      "source" : "<a href=\"https://www.sprinklr.com\" rel=\"nofollow\">Sprinklr</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ { "name" : "Ann", "screen_name" : "ann_c", "indices" : [ "0", "6" ], "id_str" : "111", "id" : "111" } ], "urls" : [ ] },
      "display_text_range" : [ "0", "80" ],
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "1589999999999999001",
      "id_str" : "1590000000000000001",
      "in_reply_to_user_id" : "111",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1590000000000000001",
      "in_reply_to_status_id" : "1589999999999999001",
      "created_at" : "Tue Nov 08 11:00:00 +0000 2022",
      "favorited" : false,
      "full_text" : "@ann_c We're sorry to hear that. Please DM us your order number and we'll take a look. ^TK",
      "lang" : "en",
      "in_reply_to_screen_name" : "ann_c",
      "in_reply_to_user_id_str" : "111"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"https://www.sprinklr.com\" rel=\"nofollow\">Sprinklr</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ { "name" : "Bob", "screen_name" : "bob_d", "indices" : [ "0", "6" ], "id_str" : "222", "id" : "222" } ], "urls" : [ ] },
      "display_text_range" : [ "0", "80" ],
      "favorite_count" : "1",
      "in_reply_to_status_id_str" : "1589999999999999002",
      "id_str" : "1590000000000000002",
      "in_reply_to_user_id" : "222",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1590000000000000002",
      "in_reply_to_status_id" : "1589999999999999002",
      "created_at" : "Tue Nov 08 12:00:00 +0000 2022",
      "favorited" : false,
      "full_text" : "@bob_d We're sorry to hear that. Please DM us your order number and we'll take a look. ^MR",
      "lang" : "en",
      "in_reply_to_screen_name" : "bob_d",
      "in_reply_to_user_id_str" : "222"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"https://www.sprinklr.com\" rel=\"nofollow\">Sprinklr</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "60" ],
      "favorite_count" : "3",
      "id_str" : "1590000000000000003",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1590000000000000003",
      "created_at" : "Tue Nov 08 13:00:00 +0000 2022",
      "favorited" : false,
      "full_text" : "Our stores open late this Friday for the holiday weekend!",
      "lang" : "en"
    }
  }
]
