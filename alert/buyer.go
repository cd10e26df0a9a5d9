package alert

import (
	"fmt"
	"strings"
	"time"
)

// BuyerVars fill a buyer message.
type BuyerVars struct {
	Name      string // the buyer's name; empty greets without one
	Reference string // the order number
	Shop      string
	// Estimate is the new estimated delivery date; zero says the shop
	// will write again instead.
	Estimate time.Time
}

// BuyerMessage is a ready message to the buyer.
type BuyerMessage struct {
	Lang    string `json:"lang"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Languages are the languages buyer messages are written in.
var Languages = []string{"en", "zh", "es", "de", "fr", "pt", "ja"}

// group is the kind of news a buyer message carries; several alert kinds
// share one.
type group int

const (
	gDelay group = iota
	gCustoms
	gDelivery
	gReturn
	gDamage
	gLost
)

func groupOf(k Kind) group {
	switch k {
	case CustomsDelay, DocumentsRequired:
		return gCustoms
	case FailedDelivery, PickupUncollected:
		return gDelivery
	case Returning, Returned:
		return gReturn
	case Damaged:
		return gDamage
	case Lost:
		return gLost
	}
	return gDelay
}

// phrasebook is one language's wording. {ref} and {shop} are filled in.
type phrasebook struct {
	hello, helloName string // greeting without and with {name}
	subject          [6]string
	body             [6]string // apology and what is being checked
	estimate         string    // with {date}
	noEstimate       string
	signoff          string
	date             func(time.Time) string
}

var phrasebooks = map[string]phrasebook{
	"en": {
		hello: "Hello,", helloName: "Hello {name},",
		subject: [6]string{"An update on your order {ref}", "Your order {ref} is at customs", "We couldn't deliver your order {ref}",
			"Your order {ref} is on its way back to us", "Your order {ref} was damaged in transit", "Your order {ref} has been lost in transit"},
		body: [6]string{
			"We're sorry: your order {ref} is taking longer than it should. We have asked the carrier to check where it is and we are following it closely.",
			"We're sorry for the wait: your order {ref} is being held at customs. We are checking with the carrier what customs needs so it can be released.",
			"We're sorry: the carrier could not deliver your order {ref}. We are checking the address and the delivery options with them; please reply if anything in your address or phone number has changed.",
			"We're sorry: your order {ref} is on its way back to us. We are checking with the carrier why, so that we can send it again or refund you, whichever you prefer.",
			"We're very sorry: the carrier reports that your order {ref} was damaged on the way. We are looking into it and will send a replacement or refund you.",
			"We're very sorry: the carrier has told us your order {ref} was lost. We are filing a claim with them and will send a replacement or refund you, whichever you prefer.",
		},
		estimate: "Your new estimated delivery date is {date}.", noEstimate: "We will write to you again as soon as we know more.",
		signoff: "Thank you for your patience,\n{shop}", date: func(t time.Time) string { return t.Format("Monday, 2 January 2006") },
	},
	"de": {
		hello: "Hallo,", helloName: "Hallo {name},",
		subject: [6]string{"Neuigkeiten zu Ihrer Bestellung {ref}", "Ihre Bestellung {ref} liegt beim Zoll", "Ihre Bestellung {ref} konnte nicht zugestellt werden",
			"Ihre Bestellung {ref} ist auf dem Rückweg zu uns", "Ihre Bestellung {ref} wurde beim Transport beschädigt", "Ihre Bestellung {ref} ist beim Transport verloren gegangen"},
		body: [6]string{
			"Es tut uns leid: Ihre Bestellung {ref} ist länger unterwegs als vorgesehen. Wir haben den Paketdienst gebeten, den Verbleib zu prüfen, und behalten die Sendung im Blick.",
			"Entschuldigen Sie die Wartezeit: Ihre Bestellung {ref} wird vom Zoll zurückgehalten. Wir klären mit dem Paketdienst, was der Zoll für die Freigabe benötigt.",
			"Es tut uns leid: Der Paketdienst konnte Ihre Bestellung {ref} nicht zustellen. Wir prüfen mit ihm die Adresse und die Zustellmöglichkeiten; bitte antworten Sie uns, falls sich Ihre Adresse oder Telefonnummer geändert hat.",
			"Es tut uns leid: Ihre Bestellung {ref} ist auf dem Rückweg zu uns. Wir klären mit dem Paketdienst den Grund, damit wir sie erneut senden oder Ihnen den Betrag erstatten können, ganz wie Sie möchten.",
			"Es tut uns sehr leid: Laut Paketdienst wurde Ihre Bestellung {ref} unterwegs beschädigt. Wir kümmern uns darum und senden Ihnen Ersatz oder erstatten den Betrag.",
			"Es tut uns sehr leid: Der Paketdienst hat uns mitgeteilt, dass Ihre Bestellung {ref} verloren gegangen ist. Wir machen einen Nachforschungsantrag geltend und senden Ihnen Ersatz oder erstatten den Betrag, ganz wie Sie möchten.",
		},
		estimate: "Die neue voraussichtliche Zustellung ist am {date}.", noEstimate: "Wir melden uns wieder, sobald wir mehr wissen.",
		signoff: "Vielen Dank für Ihre Geduld\n{shop}", date: func(t time.Time) string { return t.Format("02.01.2006") },
	},
	"fr": {
		hello: "Bonjour,", helloName: "Bonjour {name},",
		subject: [6]string{"Des nouvelles de votre commande {ref}", "Votre commande {ref} est en douane", "Votre commande {ref} n'a pas pu être livrée",
			"Votre commande {ref} nous est retournée", "Votre commande {ref} a été endommagée pendant le transport", "Votre commande {ref} a été perdue pendant le transport"},
		body: [6]string{
			"Nous sommes désolés : votre commande {ref} met plus de temps que prévu à arriver. Nous avons demandé au transporteur de vérifier où elle se trouve et nous la suivons de près.",
			"Veuillez nous excuser pour l'attente : votre commande {ref} est retenue en douane. Nous vérifions avec le transporteur ce dont la douane a besoin pour la libérer.",
			"Nous sommes désolés : le transporteur n'a pas pu livrer votre commande {ref}. Nous vérifions avec lui l'adresse et les options de livraison ; répondez-nous si votre adresse ou votre numéro de téléphone a changé.",
			"Nous sommes désolés : votre commande {ref} est en cours de retour chez nous. Nous vérifions pourquoi avec le transporteur, afin de vous la renvoyer ou de vous rembourser, selon votre préférence.",
			"Nous sommes vraiment désolés : le transporteur nous signale que votre commande {ref} a été endommagée en route. Nous nous en occupons et vous enverrons un remplacement ou vous rembourserons.",
			"Nous sommes vraiment désolés : le transporteur nous a informés que votre commande {ref} a été perdue. Nous ouvrons une réclamation et vous enverrons un remplacement ou vous rembourserons, selon votre préférence.",
		},
		estimate: "La nouvelle date de livraison estimée est le {date}.", noEstimate: "Nous vous écrirons dès que nous en saurons plus.",
		signoff: "Merci de votre patience,\n{shop}", date: func(t time.Time) string { return t.Format("02/01/2006") },
	},
	"es": {
		hello: "Hola:", helloName: "Hola, {name}:",
		subject: [6]string{"Novedades sobre tu pedido {ref}", "Tu pedido {ref} está en aduanas", "No se ha podido entregar tu pedido {ref}",
			"Tu pedido {ref} está volviendo a nosotros", "Tu pedido {ref} se ha dañado durante el transporte", "Tu pedido {ref} se ha perdido durante el transporte"},
		body: [6]string{
			"Lo sentimos: tu pedido {ref} está tardando más de lo previsto. Hemos pedido a la empresa de transporte que compruebe dónde está y lo estamos siguiendo de cerca.",
			"Disculpa la espera: tu pedido {ref} está retenido en aduanas. Estamos comprobando con la empresa de transporte qué necesita la aduana para liberarlo.",
			"Lo sentimos: la empresa de transporte no ha podido entregar tu pedido {ref}. Estamos revisando con ellos la dirección y las opciones de entrega; respóndenos si ha cambiado tu dirección o tu teléfono.",
			"Lo sentimos: tu pedido {ref} está volviendo a nosotros. Estamos averiguando el motivo con la empresa de transporte para enviártelo de nuevo o devolverte el dinero, como prefieras.",
			"Lo sentimos mucho: la empresa de transporte nos informa de que tu pedido {ref} se ha dañado por el camino. Nos estamos ocupando y te enviaremos uno nuevo o te devolveremos el dinero.",
			"Lo sentimos mucho: la empresa de transporte nos ha comunicado que tu pedido {ref} se ha perdido. Vamos a presentar una reclamación y te enviaremos uno nuevo o te devolveremos el dinero, como prefieras.",
		},
		estimate: "La nueva fecha estimada de entrega es el {date}.", noEstimate: "Te escribiremos de nuevo en cuanto sepamos más.",
		signoff: "Gracias por tu paciencia,\n{shop}", date: func(t time.Time) string { return t.Format("02/01/2006") },
	},
	"pt": {
		hello: "Olá,", helloName: "Olá, {name},",
		subject: [6]string{"Novidades sobre o seu pedido {ref}", "O seu pedido {ref} está na alfândega", "Não foi possível entregar o seu pedido {ref}",
			"O seu pedido {ref} está a voltar para nós", "O seu pedido {ref} foi danificado no transporte", "O seu pedido {ref} foi extraviado no transporte"},
		body: [6]string{
			"Pedimos desculpa: o seu pedido {ref} está a demorar mais do que devia. Pedimos à transportadora que verifique onde ele está e estamos a acompanhá-lo de perto.",
			"Pedimos desculpa pela espera: o seu pedido {ref} está retido na alfândega. Estamos a verificar com a transportadora o que a alfândega precisa para o liberar.",
			"Pedimos desculpa: a transportadora não conseguiu entregar o seu pedido {ref}. Estamos a confirmar com ela a morada e as opções de entrega; responda-nos se a sua morada ou o seu telefone mudaram.",
			"Pedimos desculpa: o seu pedido {ref} está a voltar para nós. Estamos a verificar o motivo com a transportadora para o reenviar ou reembolsar, como preferir.",
			"Lamentamos muito: a transportadora informa que o seu pedido {ref} foi danificado pelo caminho. Estamos a tratar do assunto e vamos enviar-lhe um novo ou reembolsá-lo.",
			"Lamentamos muito: a transportadora informou-nos de que o seu pedido {ref} foi extraviado. Vamos apresentar uma reclamação e enviar-lhe um novo ou reembolsá-lo, como preferir.",
		},
		estimate: "A nova data prevista de entrega é {date}.", noEstimate: "Voltaremos a escrever-lhe assim que soubermos mais.",
		signoff: "Obrigado pela sua paciência,\n{shop}", date: func(t time.Time) string { return t.Format("02/01/2006") },
	},
	"zh": {
		hello: "您好：", helloName: "{name}，您好：",
		subject: [6]string{"关于您的订单 {ref} 的最新消息", "您的订单 {ref} 正在海关", "您的订单 {ref} 未能成功派送",
			"您的订单 {ref} 正在退回", "您的订单 {ref} 在运输途中受损", "您的订单 {ref} 在运输途中丢失"},
		body: [6]string{
			"非常抱歉，您的订单 {ref} 的运输时间比预期更长。我们已请承运商核查包裹的位置，并会密切跟进。",
			"抱歉让您久等了，您的订单 {ref} 目前被海关扣留。我们正在与承运商确认海关放行所需的材料。",
			"非常抱歉，承运商未能派送您的订单 {ref}。我们正在与承运商核对地址和派送方式；如果您的地址或电话有变，请回复告诉我们。",
			"非常抱歉，您的订单 {ref} 正在退回给我们。我们正在向承运商了解原因，之后可以按您的意愿重新寄出或为您退款。",
			"非常抱歉，承运商告知您的订单 {ref} 在运输途中受损。我们正在处理，将为您补发或退款。",
			"非常抱歉，承运商告知您的订单 {ref} 已丢失。我们正在向承运商提出索赔，并将按您的意愿为您补发或退款。",
		},
		estimate: "新的预计送达日期为 {date}。", noEstimate: "一有新的消息，我们会立即通知您。",
		signoff: "感谢您的耐心等待。\n{shop}", date: func(t time.Time) string { return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day()) },
	},
	"ja": {
		hello: "お客様", helloName: "{name} 様",
		subject: [6]string{"ご注文 {ref} の配送状況について", "ご注文 {ref} は税関で保留されています", "ご注文 {ref} をお届けできませんでした",
			"ご注文 {ref} は返送中です", "ご注文 {ref} が輸送中に破損しました", "ご注文 {ref} が輸送中に紛失しました"},
		body: [6]string{
			"ご注文 {ref} のお届けが予定より遅れており、誠に申し訳ございません。現在、配送業者に荷物の所在を確認しており、引き続き状況を注視しております。",
			"お待たせして申し訳ございません。ご注文 {ref} は現在、税関で保留されています。通関に必要な内容を配送業者に確認しております。",
			"申し訳ございません。配送業者がご注文 {ref} をお届けできませんでした。住所とお届け方法を配送業者と確認しております。ご住所やお電話番号に変更があればご返信ください。",
			"申し訳ございません。ご注文 {ref} は当店へ返送されています。配送業者に理由を確認のうえ、ご希望に応じて再発送または返金いたします。",
			"誠に申し訳ございません。配送業者より、ご注文 {ref} が輸送中に破損したとの連絡がありました。ただいま対応しており、代替品の発送または返金をいたします。",
			"誠に申し訳ございません。配送業者より、ご注文 {ref} が紛失したとの連絡がありました。配送業者に補償を請求するとともに、ご希望に応じて代替品の発送または返金をいたします。",
		},
		estimate: "新しいお届け予定日は {date} です。", noEstimate: "詳しいことが分かり次第、改めてご連絡いたします。",
		signoff: "ご理解のほど、よろしくお願いいたします。\n{shop}", date: func(t time.Time) string { return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day()) },
	},
}

// BuyerLanguage picks the buyer message language for a BCP 47 tag:
// its base language when written in, English otherwise.
func BuyerLanguage(tag string) string {
	base := strings.ToLower(tag)
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	if _, ok := phrasebooks[base]; ok {
		return base
	}
	return "en"
}

// BuyerMessageFor writes the message to the buyer for an alert kind in the
// buyer's language (a BCP 47 tag), with the placeholders filled.
func BuyerMessageFor(k Kind, lang string, v BuyerVars) BuyerMessage {
	lang = BuyerLanguage(lang)
	pb := phrasebooks[lang]
	g := groupOf(k)
	greet := pb.hello
	if v.Name != "" {
		greet = strings.ReplaceAll(pb.helloName, "{name}", v.Name)
	}
	next := pb.noEstimate
	if !v.Estimate.IsZero() {
		next = strings.ReplaceAll(pb.estimate, "{date}", pb.date(v.Estimate))
	}
	sep := " "
	if lang == "zh" || lang == "ja" {
		sep = ""
	}
	r := strings.NewReplacer("{ref}", v.Reference, "{shop}", v.Shop)
	body := greet + "\n\n" + pb.body[g] + sep + next + "\n\n" + pb.signoff
	return BuyerMessage{Lang: lang, Subject: r.Replace(pb.subject[g]), Body: strings.TrimSpace(r.Replace(body))}
}
