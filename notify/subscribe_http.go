package notify

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// unsubscribePage is the page behind an unsubscribe link. A GET only asks
// (mail scanners open links); the button, or a mail client's one-click
// POST (RFC 8058), unsubscribes.
var unsubscribePage = template.Must(template.New("u").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Title}}</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937">
<h1 style="font-size:1.4rem">{{.Title}}</h1>
{{if .Ask}}<form method="post"><button type="submit" style="font-size:1rem;padding:.6rem 1.2rem">{{.Button}}</button></form>{{else}}<p>{{.Text}}</p>{{end}}
</body></html>`))

// unsubscribeWords: title when asking, button, title when done, text when
// done, title when the link is bad.
var unsubscribeWords = map[language.Tag][5]string{
	language.English:    {"Stop updates for this order?", "Unsubscribe", "You are unsubscribed", "You will get no more updates about this order.", "This link is not valid"},
	language.German:     {"Keine Updates mehr zu dieser Bestellung?", "Abmelden", "Sie sind abgemeldet", "Sie erhalten keine weiteren Updates zu dieser Bestellung.", "Dieser Link ist ungültig"},
	language.French:     {"Ne plus recevoir de nouvelles de cette commande ?", "Se désabonner", "Vous êtes désabonné", "Vous ne recevrez plus de messages sur cette commande.", "Ce lien n'est pas valide"},
	language.Spanish:    {"¿Dejar de recibir avisos de este pedido?", "Darse de baja", "Te has dado de baja", "No recibirás más avisos sobre este pedido.", "Este enlace no es válido"},
	language.Portuguese: {"Parar de receber atualizações deste pedido?", "Cancelar inscrição", "Inscrição cancelada", "Você não receberá mais atualizações sobre este pedido.", "Este link não é válido"},
	language.Chinese:    {"不再接收此订单的通知？", "退订", "已退订", "您将不再收到此订单的通知。", "此链接无效"},
	language.Japanese:   {"この注文の通知を停止しますか？", "配信停止", "配信を停止しました", "この注文に関する通知は今後届きません。", "このリンクは無効です"},
}

// Handler serves GET and POST /u/{token}; mount it on both patterns.
func (s *Subscriptions) Handler(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.PathValue("token")
		if token == "" {
			token = strings.TrimPrefix(r.URL.Path, "/u/")
		}
		tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
		tag := language.English
		if _, i, conf := langMatcher.Match(tags...); conf != language.No {
			tag = Languages[i]
		}
		words := unsubscribeWords[tag]
		page := struct {
			Lang, Title, Button, Text string
			Ask                       bool
		}{Lang: tag.String()}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			page.Title, page.Button, page.Ask = words[0], words[1], true
		case http.MethodPost:
			err := s.Unsubscribe(r.Context(), token)
			var se *SubscribeError
			switch {
			case errors.As(err, &se):
				w.WriteHeader(http.StatusNotFound)
				page.Title = words[4]
			case err != nil:
				log.ErrorContext(r.Context(), "unsubscribe failed", "error", err)
				http.Error(w, "temporarily unavailable, please try again", http.StatusServiceUnavailable)
				return
			default:
				page.Title, page.Text = words[2], words[3]
			}
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		_ = unsubscribePage.Execute(w, page)
	})
}
