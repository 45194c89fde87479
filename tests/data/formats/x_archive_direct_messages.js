window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "111-999",
      "messages" : [
        { "messageCreate" : { "recipientId" : "111", "reactions" : [ ], "urls" : [ ], "text" : "Thanks Ann, your replacement card ships today. ^TK", "mediaUrls" : [ ], "senderId" : "999", "id" : "1590000000000000013", "createdAt" : "2022-11-08T11:20:00.000Z" } },
        { "messageCreate" : { "recipientId" : "999", "reactions" : [ ], "urls" : [ ], "text" : "Here it is: order 5521, my card was declined twice", "mediaUrls" : [ ], "senderId" : "111", "id" : "1590000000000000012", "createdAt" : "2022-11-08T11:10:00.000Z" } },
        { "messageCreate" : { "recipientId" : "111", "reactions" : [ ], "urls" : [ ], "text" : "Hi there, please send us your order number and we will take a look. ^TK", "mediaUrls" : [ ], "senderId" : "999", "id" : "1590000000000000011", "createdAt" : "2022-11-08T11:00:00.000Z" } }
      ]
    }
  },
  {
    "dmConversation" : {
      "conversationId" : "222-999",
      "messages" : [
        { "messageCreate" : { "recipientId" : "222", "reactions" : [ ], "urls" : [ ], "text" : "Hi there, please send us your order number and we will take a look. ^MR", "mediaUrls" : [ ], "senderId" : "999", "id" : "1590000000000000021", "createdAt" : "2022-11-09T11:00:00.000Z" } },
        { "messageCreate" : { "recipientId" : "999", "reactions" : [ ], "urls" : [ ], "text" : "My headphones stopped charging after a week", "mediaUrls" : [ ], "senderId" : "222", "id" : "1590000000000000020", "createdAt" : "2022-11-09T10:50:00.000Z" } }
      ]
    }
  },
  {
    "dmConversation" : {
      "conversationId" : "333-999",
      "messages" : [
        { "messageCreate" : { "recipientId" : "333", "reactions" : [ ], "urls" : [ ], "text" : "Hi there, please send us your order number and we will take a look. ^MR", "mediaUrls" : [ ], "senderId" : "999", "id" : "1590000000000000031", "createdAt" : "2022-11-10T11:00:00.000Z" } },
        { "messageCreate" : { "recipientId" : "999", "reactions" : [ ], "urls" : [ ], "text" : "Where is my refund? It has been two weeks", "mediaUrls" : [ ], "senderId" : "333", "id" : "1590000000000000030", "createdAt" : "2022-11-10T10:50:00.000Z" } }
      ]
    }
  }
]
