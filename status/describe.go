package status

import "golang.org/x/text/language"

// Languages in which every substatus has a canonical short description, in
// the column order of the descriptions table.
var describeLangs = []language.Tag{
	language.English, language.SimplifiedChinese, language.Spanish, language.German,
	language.French, language.Portuguese, language.Japanese,
}

// DescribeLanguages lists the BCP 47 tags Describe has texts for.
func DescribeLanguages() []string {
	out := make([]string, len(describeLangs))
	for i, t := range describeLangs {
		out[i] = t.String()
	}
	return out
}

var describeMatcher = language.NewMatcher(describeLangs)

// Describe returns a short, customer-facing description of s in the language
// best matching lang (a BCP 47 tag such as "pt-BR" or "zh-Hans"); unknown or
// malformed tags fall back to English. An unknown substatus yields "".
func Describe(s Substatus, lang string) string {
	row, ok := descriptions[s]
	if !ok {
		return ""
	}
	return row[describeIndex(lang)]
}

func describeIndex(lang string) int {
	tag, err := language.Parse(lang)
	if err != nil {
		return 0
	}
	_, i, conf := describeMatcher.Match(tag)
	if conf == language.No {
		return 0
	}
	return i
}

// descriptions: en, zh-Hans, es, de, fr, pt, ja.
var descriptions = map[Substatus][7]string{
	PendingPending: {"Waiting for tracking information", "等待物流信息", "Esperando información de seguimiento",
		"Warten auf Sendungsinformationen", "En attente d'informations de suivi", "Aguardando informações de rastreamento", "追跡情報を待っています"},
	PendingNotFound: {"Tracking number not found", "未查询到该单号", "Número de seguimiento no encontrado",
		"Sendungsnummer nicht gefunden", "Numéro de suivi introuvable", "Código de rastreamento não encontrado", "追跡番号が見つかりません"},
	InfoReceivedInfoReceived: {"Label created, parcel not yet handed over", "已下单，等待揽收", "Etiqueta creada, pendiente de entrega al transportista",
		"Sendung angekündigt, noch nicht übergeben", "Étiquette créée, colis pas encore remis", "Etiqueta criada, aguardando postagem", "ラベル作成済み、荷物の引き渡し待ち"},
	InTransitInTransit: {"In transit", "运输中", "En tránsito", "Unterwegs", "En transit", "Em trânsito", "輸送中"},
	InTransitAccepted: {"Accepted by the carrier", "已揽收", "Admitido por el transportista",
		"Vom Zusteller übernommen", "Pris en charge par le transporteur", "Objeto postado", "引受"},
	InTransitDepartedFacility: {"Left a sorting facility", "已离开处理中心", "Ha salido del centro de clasificación",
		"Hat das Sortierzentrum verlassen", "A quitté le centre de tri", "Saiu da unidade de tratamento", "仕分け拠点を出発"},
	InTransitArrivedFacility: {"Arrived at a sorting facility", "已到达处理中心", "Ha llegado al centro de clasificación",
		"Im Sortierzentrum angekommen", "Arrivé au centre de tri", "Chegou à unidade de tratamento", "仕分け拠点に到着"},
	InTransitDepartedOriginCountry: {"Left the country of origin", "已离开出发国", "Ha salido del país de origen",
		"Hat das Ursprungsland verlassen", "A quitté le pays d'origine", "Saiu do país de origem", "差出国を出発"},
	InTransitArrivedDestinationCountry: {"Arrived in the destination country", "已到达目的国", "Ha llegado al país de destino",
		"Im Zielland angekommen", "Arrivé dans le pays de destination", "Chegou ao país de destino", "お届け先の国に到着"},
	InTransitCustomsProcessing: {"Customs clearance in progress", "清关中", "En trámite aduanero",
		"In der Zollabfertigung", "Dédouanement en cours", "Em fiscalização aduaneira", "通関手続中"},
	InTransitCustomsCleared: {"Cleared by customs", "已清关", "Despachado por aduana",
		"Vom Zoll freigegeben", "Dédouané", "Liberado pela alfândega", "通関済み"},
	InTransitHandedOver: {"Handed over to the delivering carrier", "已交由派送承运商", "Entregado al transportista de destino",
		"An den Zustellpartner übergeben", "Remis au transporteur de livraison", "Entregue à transportadora de destino", "配達業者へ引き渡し済み"},
	InTransitForwarded: {"Forwarded to a new address", "已转寄至新地址", "Reenviado a otra dirección",
		"An eine neue Adresse weitergeleitet", "Réacheminé vers une nouvelle adresse", "Encaminhado para novo endereço", "転送されました"},
	InTransitDelayed: {"In transit, running late", "运输中，有延误", "En tránsito con retraso",
		"Unterwegs, mit Verzögerung", "En transit, avec retard", "Em trânsito, com atraso", "輸送中（遅延）"},
	OutForDeliveryOutForDelivery: {"Out for delivery", "派送中", "En reparto", "In Zustellung", "En cours de livraison", "Saiu para entrega", "配達中"},
	OutForDeliveryCustomerContacted: {"Courier has contacted the recipient", "快递员已联系收件人", "El repartidor ha contactado al destinatario",
		"Zusteller hat den Empfänger kontaktiert", "Le livreur a contacté le destinataire", "O entregador contatou o destinatário", "配達員がお客様に連絡しました"},
	OutForDeliveryAppointmentScheduled: {"Delivery appointment scheduled", "已预约派送时间", "Cita de entrega programada",
		"Zustelltermin vereinbart", "Rendez-vous de livraison fixé", "Entrega agendada", "配達日時が指定されました"},
	AttemptFailRecipientUnavailable: {"Delivery attempted, recipient not available", "投递失败，收件人不在", "Intento de entrega: destinatario ausente",
		"Zustellversuch, Empfänger nicht angetroffen", "Tentative de livraison, destinataire absent", "Tentativa de entrega, destinatário ausente", "不在のため持ち戻り"},
	AttemptFailBusinessClosed: {"Delivery attempted, business closed", "投递失败，单位已关门", "Intento de entrega: establecimiento cerrado",
		"Zustellversuch, Geschäft geschlossen", "Tentative de livraison, établissement fermé", "Tentativa de entrega, estabelecimento fechado", "休業のため配達できませんでした"},
	AttemptFailAddressIssue: {"Delivery attempted, address problem", "投递失败，地址有误", "Intento de entrega: problema con la dirección",
		"Zustellversuch, Adressproblem", "Tentative de livraison, problème d'adresse", "Tentativa de entrega, problema no endereço", "住所不備のため配達できませんでした"},
	AttemptFailOther: {"Delivery attempted, not successful", "投递未成功", "Intento de entrega fallido",
		"Zustellversuch nicht erfolgreich", "Tentative de livraison infructueuse", "Tentativa de entrega sem sucesso", "配達できませんでした"},
	AvailableForPickupAvailableForPickup: {"Ready for pickup", "待自提", "Disponible para recoger",
		"Zur Abholung bereit", "Disponible au retrait", "Aguardando retirada", "受け取り可能"},
	DeliveredDelivered: {"Delivered", "已签收", "Entregado", "Zugestellt", "Livré", "Entregue", "配達完了"},
	DeliveredSigned: {"Delivered and signed for", "已签收（本人签字）", "Entregado con firma",
		"Zugestellt gegen Unterschrift", "Livré contre signature", "Entregue com assinatura", "署名をいただき配達完了"},
	DeliveredPickedUp: {"Collected by the recipient", "已自提", "Recogido por el destinatario",
		"Vom Empfänger abgeholt", "Retiré par le destinataire", "Retirado pelo destinatário", "窓口でお渡し済み"},
	DeliveredNeighbour: {"Delivered to a neighbour", "已由邻居代收", "Entregado a un vecino",
		"An Nachbarn zugestellt", "Livré chez un voisin", "Entregue a um vizinho", "隣人に配達済み"},
	DeliveredLocker: {"Delivered to a parcel locker", "已投递至快递柜", "Entregado en taquilla",
		"In die Packstation zugestellt", "Livré en consigne", "Entregue no armário de encomendas", "宅配ロッカーに配達済み"},
	DeliveredCashCollected: {"Delivered, cash on delivery collected", "已签收，货款已代收", "Entregado, contra reembolso cobrado",
		"Zugestellt, Nachnahme kassiert", "Livré, contre-remboursement encaissé", "Entregue, valor cobrado na entrega", "配達完了（代金引換済み）"},
	ExceptionCustomsHeld: {"Held by customs", "海关扣留", "Retenido en aduana", "Vom Zoll zurückgehalten", "Retenu en douane", "Retido pela alfândega", "税関で保留中"},
	ExceptionDutiesDue: {"Import duties or fees to be paid", "待缴纳进口税费", "Pendiente de pago de aranceles",
		"Einfuhrabgaben zu zahlen", "Droits et taxes à payer", "Aguardando pagamento de tributos", "関税・手数料のお支払い待ち"},
	ExceptionDocumentsRequired: {"Documents required for clearance", "清关需补充资料", "Se requiere documentación aduanera",
		"Unterlagen für die Verzollung erforderlich", "Documents requis pour le dédouanement", "Documentos necessários para o desembaraço", "通関書類が必要です"},
	ExceptionAddressIssue: {"Problem with the delivery address", "收件地址有问题", "Problema con la dirección de entrega",
		"Problem mit der Lieferadresse", "Problème d'adresse de livraison", "Problema no endereço de entrega", "お届け先住所に問題があります"},
	ExceptionRefused: {"Refused by the recipient", "收件人拒收", "Rechazado por el destinatario",
		"Annahme verweigert", "Refusé par le destinataire", "Recusado pelo destinatário", "受取拒否"},
	ExceptionDamaged: {"Parcel damaged", "包裹破损", "Envío dañado", "Sendung beschädigt", "Colis endommagé", "Objeto avariado", "荷物の破損"},
	ExceptionLost:    {"Parcel lost", "包裹丢失", "Envío extraviado", "Sendung verloren", "Colis perdu", "Objeto extraviado", "荷物の紛失"},
	ExceptionReturning: {"Being returned to the sender", "退回寄件人途中", "En devolución al remitente",
		"Wird an den Absender zurückgesendet", "En retour vers l'expéditeur", "Em devolução ao remetente", "差出人へ返送中"},
	ExceptionReturned: {"Returned to the sender", "已退回寄件人", "Devuelto al remitente",
		"An den Absender zurückgesendet", "Retourné à l'expéditeur", "Devolvido ao remetente", "差出人に返送済み"},
	ExceptionCancelled: {"Shipment cancelled", "运单已取消", "Envío cancelado", "Sendung storniert", "Envoi annulé", "Envio cancelado", "出荷が取り消されました"},
	ExceptionDisposed:  {"Parcel destroyed or disposed of", "包裹已销毁", "Envío destruido", "Sendung vernichtet", "Colis détruit", "Objeto destruído", "荷物は廃棄されました"},
	ExceptionDelayed:   {"Delayed", "延误", "Retrasado", "Verzögert", "Retardé", "Atrasado", "遅延"},
	ExceptionUnclaimed: {"Not collected in time", "逾期未领取", "No recogido a tiempo",
		"Nicht rechtzeitig abgeholt", "Non retiré dans les délais", "Não retirado no prazo", "保管期限切れ"},
	ExceptionOther: {"Delivery problem", "派送异常", "Incidencia en el envío", "Problem bei der Zustellung", "Incident de livraison", "Problema na entrega", "配送に問題が発生しました"},
	ExpiredExpired: {"No tracking updates for a long time", "长时间无物流更新", "Sin actualizaciones desde hace tiempo",
		"Seit längerer Zeit keine Sendungsdaten", "Aucune mise à jour depuis longtemps", "Sem atualizações há muito tempo", "長期間追跡情報の更新がありません"},
}
