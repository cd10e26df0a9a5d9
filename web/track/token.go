package track

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Tokens are "purpose.tenant.shipment.expiry.mac": a verification cookie
// (purpose "v") proves the browser knew the order number and the e-mail
// or postal code; a form token ("f" for anyone, "fv" after verification)
// ties a subscribe or report form to its shipment.
const (
	verifyCookie = "wp_v"
	verifyTTL    = 2 * time.Hour
	formTTL      = 24 * time.Hour
)

type grant struct {
	purpose          string
	tenant, shipment int64
	expires          time.Time
}

func (h *Handler) sign(g grant) string {
	body := fmt.Sprintf("%s.%d.%d.%d", g.purpose, g.tenant, g.shipment, g.expires.Unix())
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verify parses a token and checks its MAC and expiry.
func (h *Handler) verify(tok string) (grant, bool) {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return grant{}, false
	}
	body, mac := tok[:i], tok[i+1:]
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil {
		return grant{}, false
	}
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(body))
	if !hmac.Equal(got, m.Sum(nil)) {
		return grant{}, false
	}
	parts := strings.Split(body, ".")
	if len(parts) != 4 {
		return grant{}, false
	}
	t, err1 := strconv.ParseInt(parts[1], 10, 64)
	s, err2 := strconv.ParseInt(parts[2], 10, 64)
	e, err3 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return grant{}, false
	}
	g := grant{parts[0], t, s, time.Unix(e, 0)}
	if !h.now().Before(g.expires) {
		return grant{}, false
	}
	return g, true
}

// verified reports whether the request carries a verification cookie for
// the shipment.
func (h *Handler) verified(r *http.Request, tenant, shipment int64) bool {
	c, err := r.Cookie(verifyCookie)
	if err != nil {
		return false
	}
	g, ok := h.verify(c.Value)
	return ok && g.purpose == "v" && g.tenant == tenant && g.shipment == shipment
}

func (h *Handler) setVerified(w http.ResponseWriter, r *http.Request, tenant, shipment int64) {
	http.SetCookie(w, &http.Cookie{
		Name:     verifyCookie,
		Value:    h.sign(grant{"v", tenant, shipment, h.now().Add(verifyTTL)}),
		Path:     "/track",
		MaxAge:   int(verifyTTL / time.Second),
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}
