package status

// Chinese. Learned from China Post / EMS scan descriptions, Cainiao and
// domestic express (SF, ZTO, JD) trace texts seen in public integrations.
var chinese = phraseTable{
	lang: "zh",
	phrases: []phrase{
		p("已下单", xInfo), p("等待揽收", xInfo), p("待揽收", xInfo), p("电子信息已收到", xInfo), p("已接收电子信息", xInfo), p("商家已发货", xAccepted),
		p("卖家已发货", xInfo), p("包裹正在等待揽收", xInfo),
		p("已揽收", xAccepted), p("已收件", xAccepted), p("揽收", xAccepted), p("收寄", xAccepted), p("已收取快件", xAccepted), p("已收寄", xAccepted),
		pb("离开", xDepFac, 3), p("已离开", xDepFac), p("发往", xDepFac), p("已发出", xDepFac), p("正在发往", xDepFac), p("准备发出", xDepFac), p("发出", xDepFac),
		p("到达", xArrFac), p("已到达", xArrFac), p("快件到达", xArrFac), p("完成分拣", xTransit), p("分拣中心", xArrFac), p("已在", xArrFac),
		p("运输中", xTransit), p("在途", xTransit), pb("转运", xTransit, -1), p("处理中", xTransit), p("中转", xTransit),
		p("已出口直封", xDepOrigin), p("航空公司启运", xDepOrigin), p("航班已起飞", xDepOrigin), p("已交航", xDepOrigin), p("离开处理中心", xDepFac),
		p("邮件已乘机", xDepOrigin), p("已起飞", xDepOrigin), p("出口", xDepOrigin), p("离开中国", xDepOrigin), p("运抵出口口岸", xDepOrigin),
		p("到达寄达地", xArrDest), p("已到达寄达地", xArrDest), p("到达寄达国", xArrDest), p("到达境外", xArrDest), p("到达目的国", xArrDest),
		p("飞机进港", xArrDest), p("到达目的地", xArrDest), p("进口", xArrDest), p("已落地", xArrDest),
		p("海关", xCustoms), p("清关中", xCustoms), p("送交出口海关", xCustoms), p("送交进口海关", xCustoms), p("清关", xCustoms), p("报关", xCustoms),
		p("海关放行", xCleared), p("放行", xCleared), p("清关完成", xCleared), p("已清关", xCleared), p("出口海关 放行", xCleared), p("清关成功", xCleared),
		p("已交承运商", xHandedOvr), p("交由", xHandedOvr), p("交给", xHandedOvr), p("转交", xHandedOvr), p("交由承运商", xHandedOvr),
		p("转寄", xForwarded), p("改寄", xForwarded), p("延误", xDelayed), p("滞留", xDelayed), p("预约改日派送", xAppoint),
		p("派件中", xOFD), p("派送中", xOFD), p("正在派件", xOFD), p("正在派送", xOFD), p("安排投递", xOFD), p("派件员", xOFD), p("投递中", xOFD),
		p("开始配送", xOFD), p("配送员", xOFD), p("等待配送", xTransit), p("准备签收", xOFD),
		p("未妥投", xAttempt), p("投递失败", xAttempt), p("派送失败", xAttempt), p("未能投递", xAttempt), p("无法投递", xAttempt),
		m("无人", xNoOne), m("不在", xNoOne), m("联系不上", xNoOne), m("电话无人接听", xNoOne), m("地址", xAttAddr),
		p("待自提", xPickup), p("待取件", xPickup), p("已到自提点", xPickup), p("代收点", xPickup), p("驿站", xPickup), p("请凭取件码", xPickup),
		p("取件码", xPickup), p("自提", xPickup), p("快递柜", xPickup),
		p("已签收", xDelivered), p("签收", xDelivered), p("妥投", xDelivered), p("已妥投", xDelivered), p("投递并签收", xDelivered), p("已送达", xDelivered),
		p("已交付", xDelivered), p("正常签收", xDelivered), p("本人签收", xSigned), m("本人", xSigned), m("邻居", xNeighbour), m("快递柜", xLocker),
		m("代收", xNeighbour), m("门卫", xNeighbour), p("已取件", xPickedUp), p("已自提", xPickedUp),
		p("海关扣留", xHeld), p("留存待验", xHeld), p("海关查验", xHeld), p("扣关", xHeld), p("待缴税", xDuties), p("缴税", xDuties), p("税费", xDuties),
		p("补充资料", xDocs), p("资料", xDocs), p("地址不详", xAddress), p("地址错误", xAddress), p("查无此人", xAddress), p("地址有误", xAddress),
		p("拒收", xRefused), p("拒绝签收", xRefused), p("破损", xDamaged), p("丢失", xLost), p("遗失", xLost),
		p("退回", xReturning), p("退件", xReturning), p("退回中", xReturning), p("已退回", xReturned), pb("退回妥投", xReturned, 2), p("退回寄件人", xReturning),
		p("取消", xCancelled), p("已取消", xCancelled), p("销毁", xDisposed), p("逾期未取", xUnclaimed), p("异常", xException), p("问题件", xException),
		p("查无信息", xNotFound), p("暂无轨迹", xNotFound), p("未查询到", xNotFound),
		// General wording of other carriers' event texts.
		pb("处理中心", xArrFac, -1), p("运送中", xTransit), p("出口清关", xCustoms), p("进口清关", xCustoms), p("取件", xPickup), p("安排派送", xOFD),
		p("承运商", xHandedOvr), d("完成"), d("已完成"), f("预计送达"), f("预计派送"),
	},
}

// Japanese. Learned from Japan Post (郵便追跡) history labels, Yamato and
// Sagawa status words seen in public integrations.
var japanese = phraseTable{
	lang: "ja",
	phrases: []phrase{
		p("荷物受付", xInfo), p("依頼受付", xInfo), p("発送予定", xInfo), p("出荷準備中", xInfo),
		p("引受", xAccepted), p("集荷", xAccepted), p("荷物預かり", xAccepted), p("集荷完了", xAccepted),
		p("通過", xTransit), p("中継", xTransit), p("輸送中", xTransit), p("作業中", xTransit), p("発送", xDepFac), p("出発", xDepFac), p("到着", xArrFac),
		p("国際交換局から発送", xDepOrigin), p("国際交換局に到着", xArrFac), p("航空機搭載", xDepOrigin), p("差出国", xDepOrigin),
		p("お届け先の国", xArrDest), p("到着国", xArrDest), p("国外からの到着", xArrDest),
		p("通関手続中", xCustoms), p("税関", xCustoms), p("通関", xCustoms), p("通関手続き", xCustoms), p("税関検査", xCustoms), p("通関済み", xCleared),
		p("輸入許可", xCleared), p("通関完了", xCleared), p("配達業者へ引き渡し", xHandedOvr), p("引渡", xHandedOvr), p("転送", xForwarded),
		p("遅延", xDelayed), p("遅れ", xDelayed),
		p("持ち出し中", xOFD), p("配達中", xOFD), p("持出中", xOFD), p("配達予定", xOFD),
		p("配達希望受付", xAppoint), p("配達日時", xAppoint), p("配達指定", xAppoint),
		p("持ち戻り", xAttempt), p("持戻", xAttempt), p("配達できません", xAttempt), p("不在", xNoOne), p("ご不在", xNoOne),
		m("ご不在", xNoOne), m("不在", xNoOne), m("住所", xAttAddr), m("休業", xClosed),
		p("保管", xPickup), p("保管中", xPickup), p("窓口", xPickup), p("ご来店予定", xPickup), p("営業所受取", xPickup), p("受け取り可能", xPickup),
		p("お届け済み", xDelivered), p("お届け先にお届け済み", xDelivered), p("配達完了", xDelivered), p("配達済み", xDelivered), p("配達済", xDelivered),
		p("お届け完了", xDelivered), p("受取完了", xDelivered), m("宅配ボックス", xLocker), m("ロッカー", xLocker), m("隣", xNeighbour),
		p("窓口でお渡し", xPickedUp), p("お渡し済み", xPickedUp), p("引渡完了", xDelivered),
		p("税関で保留", xHeld), p("関税", xDuties), p("お支払い", xDuties), p("書類", xDocs),
		p("あて所不明", xAddress), p("あて所が不明", xAddress), p("宛所不明", xAddress), p("住所不明", xAddress), p("受取拒否", xRefused),
		p("破損", xDamaged), p("紛失", xLost), p("返送", xReturning), p("差出人に返送", xReturning), pb("差出人に返送済み", xReturned, 2), p("返品", xReturning),
		p("取消", xCancelled), p("廃棄", xDisposed), p("保管期間経過", xUnclaimed), p("保管期限切れ", xUnclaimed), p("調査中", xException),
		p("見つかりません", xNotFound), p("該当なし", xNotFound),
		// General wording of other carriers' event texts.
		p("配達準備", xOFD), p("経路", xTransit), d("完了"), f("お届け予定"),
	},
}

// Korean. Learned from CJ Logistics, Hanjin, Lotte and Korea Post (우체국)
// tracking labels and messages.
var korean = phraseTable{
	lang: "ko",
	phrases: []phrase{
		p("상품준비중", xInfo), p("송장출력", xInfo), p("접수", xAccepted), p("집화처리", xAccepted), p("집하", xAccepted), p("상품접수", xAccepted),
		p("상품을 인수", xAccepted), p("인수받았습니다", xAccepted), p("인수했습니다", xAccepted), p("상품인수", xAccepted),
		p("이동중", xTransit), p("상품이동중", xTransit), p("간선상차", xDepFac), p("간선하차", xArrFac), p("발송", xDepFac), p("도착", xArrFac),
		p("입고", xArrFac), p("배송지에 도착", xArrFac), p("배송지역으로", xTransit), p("물류터미널로", xTransit),
		p("교환국 발송", xDepOrigin), p("항공사 인계", xDepOrigin), p("출항", xDepOrigin), p("상대국 도착", xArrDest), p("교환국 도착", xArrDest),
		p("통관", xCustoms), p("통관 진행", xCustoms), p("통관검사대기", xCustoms), p("세관", xCustoms), p("통관완료", xCleared), p("반출", xCleared),
		p("인계", xHandedOvr), p("전달", xHandedOvr), p("지연", xDelayed),
		p("배송출발", xOFD), p("배송 출발", xOFD), p("배달준비", xOFD), p("배송할 예정", xOFD), p("배달 예정", xOFD), p("배달출발", xOFD), p("배송을 준비", xOFD),
		p("미배달", xAttempt), p("배달실패", xAttempt), p("배송실패", xAttempt), m("부재", xNoOne), m("주소", xAttAddr),
		p("보관", xPickup), p("편의점 도착", xPickup), p("수령 가능", xPickup),
		p("배송완료", xDelivered), p("배달완료", xDelivered), p("배달 완료", xDelivered), p("배송 완료", xDelivered), p("물품을 받으셨습니다", xDelivered),
		m("경비실", xNeighbour), m("무인택배함", xLocker), m("택배함", xLocker), m("본인", xSigned),
		p("관세", xDuties), p("서류", xDocs), p("주소 불명", xAddress), p("수취거절", xRefused), p("파손", xDamaged), p("분실", xLost),
		p("반송", xReturning), p("반품", xReturning), pb("반송완료", xReturned, 2), p("취소", xCancelled),
		// General wording of other carriers' event texts.
		d("완료"),
	},
}

// Russian. Learned from Russian Post (Почта России) operation types and
// operation attributes (tracking dictionaries) and courier wording.
var russian = phraseTable{
	lang: "ru",
	stop: []string{"в", "на", "из", "по", "и", "от", "с", "к", "за"},
	phrases: []phrase{
		p("регистрация отправки", xInfo), p("присвоен идентификатор", xInfo), p("получена электронная регистрация", xInfo), p("предварительное оформление", xInfo),
		p("данные от торговой площадки получены", xInfo), p("электронное уведомление загружено", xInfo),
		p("прием", xAccepted), p("принято в отделении связи", xAccepted), p("единичный", xAccepted), p("партионный", xAccepted), p("принято к перевозке", xAccepted),
		p("покинуло место приема", xDepFac), p("покинуло сортировочный центр", xDepFac), p("покинуло место транзита", xDepFac), p("покинуло", xDepFac),
		p("прибыло в сортировочный центр", xArrFac), p("прибыло в место транзита", xArrFac), p("прибыло", xArrFac), p("сортировка", xTransit),
		p("обработка", xTransit), p("в пути", xTransit), p("транспорт прибыл", xArrFac), p("погружено", xDepFac), p("выгружено", xArrFac),
		p("экспорт международной почты", xDepOrigin), p("покинуло место международного обмена", xDepOrigin), p("экспорт", xDepOrigin),
		p("импорт международной почты", xArrDest), p("прибыло на территорию рф", xArrDest), p("прибыло в место международного обмена", xArrDest), p("импорт", xArrDest),
		p("таможенное оформление", xCustoms), p("принято таможней", xCustoms), p("передано таможне", xCustoms), p("таможенный контроль", xCustoms),
		p("осмотрено таможней", xCustoms), p("таможн", xCustoms), p("предварительное таможенное декларирование", xCustoms),
		p("выпущено таможней", xCleared), p("выпуск разрешен", xCleared), p("таможенное оформление завершено", xCleared), p("таможенное оформ завершено", xCleared),
		p("передано другому перевозчику", xHandedOvr), p("передано перевозчику", xHandedOvr), p("получено назначенным оператором", xHandedOvr),
		p("досылка почты", xForwarded), p("переадресовано", xForwarded), p("выбытие адресата по новому адресу", xForwarded), p("засылка", xLate),
		p("передано почтальону", xOFD), p("передано курьеру", xOFD), p("доставка почтальоном заказана", xOFD),
		p("неудачная попытка вручения", xAttempt), p("невручение", xAttempt), p("неудачная доставка", xAttempt), p("вторая неудачная попытка вручения", xAttempt),
		p("временное отсутствие адресата", xNoOne), m("отсутствие адресата", xNoOne), m("адресат не доступен", xNoOne), m("нет адресата", xNoOne),
		m("адрес", xAttAddr), m("пвз закрыт", xClosed),
		p("прибыло в место вручения", xPickup), p("прибыло в почтомат", xPickup), p("прибыло в центр выдачи посылок", xPickup), p("хранение", xPickup),
		p("до востребования", xPickup), p("ожидает адресата", xPickup), p("готово к выдаче", xPickup), p("направлено извещение", xPickup), p("доставлено извещение", xPickup),
		p("вручение", xDelivered), p("вручение адресату", xDelivered), p("вручено", xDelivered), p("вручен", xDelivered), p("доставлено", xDelivered),
		p("адресату почтальоном", xDelivered), p("адресату курьером", xDelivered), p("выдано адресату через почтомат", xLocker), m("почтомат", xLocker),
		m("почтальоном", xDelivered), p("частичное вручение", xDelivered), p("получено адресатом", xPickedUp),
		p("отказ в выпуске", xHeld), p("задержано таможней", xHeld), p("продление срока выпуска таможней", xHeld), p("решение таможни", xHeld),
		p("таможенные платежи", xDuties), p("обязательной уплатой таможенных платежей", xDuties), p("в ожидании оплаты", xDuties), p("обработка таможенных платежей", xDuties),
		p("документация", xDocs), p("декларация", xDocs), p("неполные недостаточные неверные документы", xDocs),
		p("неверный адрес", xAddress), p("неправильный адрес", xAddress), p("неполный адрес", xAddress), p("адресат выбыл", xAddress),
		p("невозможно прочесть адрес", xAddress), p("уточнение адреса", xAddress), p("адресат переехал", xAddress),
		p("отказ адресата", xRefused), p("отказ от получения", xRefused), p("адресат отказался", xRefused),
		p("повреждено", xDamaged), p("дефектное", xDamaged), p("утрачено", xLost), p("утрата", xLost), p("регистрация утраты", xLost),
		p("возврат", xReturning), p("вручение отправителю", xReturned), p("выдано отправителю", xReturned), p("отправителю почтальоном", xReturned),
		p("отправителю курьером", xReturned), p("возвращено", xReturning),
		p("отмена", xCancelled), p("уничтожение", xDisposed), p("изъято", xException), p("истек срок хранения", xUnclaimed), p("невостребовано", xUnclaimed),
		p("истекает срок хранения", xPickup), p("передача на временное хранение", xUnclaimed), p("временное хранение", xUnclaimed),
		// General wording of other carriers' event texts (courier services).
		p("создан", xInfo), p("принят", xAccepted), p("на склад", xArrFac), p("склад отправителя", xAccepted), p("выдан на отправку", xDepFac),
		p("отправлен", xDepFac), p("в страну назначения", xDepOrigin), p("встречен", xArrFac), p("сдан перевозчику", xHandedOvr), p("передан", xHandedOvr),
		p("на доставку", xOFD), p("адресная доставка", xOFD), p("не вручен", xAttempt), p("в постамат", xPickup), p("пвз", xPickup),
		p("возвращен", xReturning), p("возвращен отправителю", xReturned), p("утилизир", xDisposed), p("изъят на таможне", xHeld),
		p("аннулир", xCancelled), p("разгруж", xArrFac), d("завершен"), d("завершено"),
		f("ожидаемая дата доставки"), f("плановая дата вручения"), f("планируемая дата вручения"),
	},
}

// Arabic. Learned from Aramex / regional courier status wording seen in
// public integrations (few carrier samples were available).
var arabic = phraseTable{
	lang: "ar",
	phrases: []phrase{
		p("تم انشاء الشحنة", xInfo), p("تم إنشاء الشحنة", xInfo), p("تم تسجيل الطلب", xInfo),
		p("تم استلام الشحنة", xAccepted), p("استلام الشحنة من", xAccepted), p("قيد التوصيل", xTransit), p("في الطريق", xTransit), p("قيد الشحن", xTransit),
		p("غادرت", xDepFac), p("وصلت", xArrFac), p("وصلت بلد الوجهة", xArrDest), p("وصلت إلى بلد الوجهة", xArrDest),
		p("الجمارك", xCustoms), p("التخليص الجمركي", xCustoms), p("تم التخليص الجمركي", xCleared),
		p("خرجت للتوصيل", xOFD), p("خرجت للتسليم", xOFD), p("الشحنة خرجت للتسليم", xOFD), p("مع المندوب", xOFD),
		p("تعذر التسليم", xAttempt), p("لم يتم تسليم الشحنة", xAttempt), p("محاولة تسليم", xAttempt), m("غير متواجد", xNoOne), m("العنوان", xAttAddr),
		p("جاهزة للاستلام", xPickup), p("بانتظار الاستلام", xPickup),
		p("تم التسليم", xDelivered), p("تم تسليم الشحنة", xDelivered), p("تم التوصيل", xDelivered), m("تحصيل المبلغ", xCash),
		p("محجوزة في الجمارك", xHeld), p("رسوم", xDuties), p("عنوان خاطئ", xAddress), p("رفض الاستلام", xRefused), p("تالفة", xDamaged),
		p("مفقودة", xLost), p("مرتجعة", xReturning), p("إرجاع", xReturning), p("تم الإرجاع", xReturned), p("تم إلغاء الشحنة", xCancelled),
		p("تأخير", xDelayed), p("الشحنة معلقة", xException),
	},
}
