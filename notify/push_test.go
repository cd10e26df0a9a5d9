package notify

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// pushService is a fake push service: it records each request and
// answers with code.
type pushService struct {
	srv  *httptest.Server
	code int
	reqs []*http.Request
	body [][]byte
}

func newPushService(t *testing.T) *pushService {
	p := &pushService{code: http.StatusCreated}
	p.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p.reqs = append(p.reqs, r)
		p.body = append(p.body, b)
		w.WriteHeader(p.code)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func hmacSHA256(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}

// decryptAES128GCM opens a Web Push message as the browser does (RFC 8291
// section 3.4, RFC 8188).
func decryptAES128GCM(t *testing.T, body []byte, ua *ecdh.PrivateKey, authSecret []byte) []byte {
	t.Helper()
	if len(body) < 21 {
		t.Fatal("body too short for an aes128gcm header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	asPub := body[21 : 21+idlen]
	ct := body[21+idlen:]
	if rs < 18 || uint32(len(ct)) > rs {
		t.Fatalf("record size %d, ciphertext %d", rs, len(ct))
	}
	peer, err := ecdh.P256().NewPublicKey(asPub)
	if err != nil {
		t.Fatalf("keyid is not a P-256 key: %v", err)
	}
	secret, err := ua.ECDH(peer)
	if err != nil {
		t.Fatal(err)
	}
	prkKey := hmacSHA256(authSecret, secret)
	keyInfo := append(append([]byte("WebPush: info\x00"), ua.PublicKey().Bytes()...), asPub...)
	ikm := hmacSHA256(prkKey, append(keyInfo, 1))
	prk := hmacSHA256(salt, ikm)
	cek := hmacSHA256(prk, []byte("Content-Encoding: aes128gcm\x00\x01"))[:16]
	nonce := hmacSHA256(prk, []byte("Content-Encoding: nonce\x00\x01"))[:12]
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	// Strip the padding: the last record ends with 0x02 then zeros.
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 || plain[i] != 2 {
		t.Fatal("no last-record delimiter")
	}
	return plain[:i]
}

// checkVAPID verifies the "vapid t=JWT, k=key" header: an ES256 JWT for
// the endpoint's origin, signed by the configured key.
func checkVAPID(t *testing.T, header, publicKey, origin string) {
	t.Helper()
	var tok, k string
	for _, part := range strings.Split(strings.TrimPrefix(header, "vapid "), ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			tok = v
		}
		if v, ok := strings.CutPrefix(part, "k="); ok {
			k = v
		}
	}
	if !strings.HasPrefix(header, "vapid ") || k != publicKey {
		t.Fatalf("Authorization %q", header)
	}
	pub, _ := base64.RawURLEncoding.DecodeString(k)
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pub)
	if err != nil {
		t.Fatalf("k is not a P-256 point: %v", err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("JWT %q", tok)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(key, digest[:],
		new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Fatal("VAPID JWT signature does not verify")
	}
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Aud string `json:"aud"`
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	_ = json.Unmarshal(claims, &c)
	if c.Aud != origin || c.Sub != "mailto:ops@shop.example" || c.Exp < time.Now().Unix() {
		t.Errorf("claims %+v, want aud %s", c, origin)
	}
}

func TestWebPushEncryptedAndSigned(t *testing.T) {
	svc := newPushService(t)
	priv, pub, err := GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewPushSender(PushConfig{VAPIDPublicKey: pub, VAPIDPrivateKey: priv, Subscriber: "mailto:ops@shop.example",
		HTTPClient: svc.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	// The browser's side of the subscription.
	ua, _ := ecdh.P256().GenerateKey(rand.Reader)
	authSecret := make([]byte, 16)
	_, _ = rand.Read(authSecret)
	body, _ := json.Marshal(PushBody{P256dh: b64(ua.PublicKey().Bytes()), Auth: b64(authSecret),
		Title: "Your order #1001 is out for delivery today", Body: "Kiez Laden: order #1001 is out for delivery today.",
		URL: "https://t.example/track/X", Tag: "shipment-7"})
	m := Message{ID: "msg_p1", TenantID: 1, ShipmentID: 7, Channel: WebPush, Target: svc.srv.URL + "/push/abc", Body: body}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	r := svc.reqs[0]
	if r.Method != http.MethodPost || r.URL.Path != "/push/abc" || r.Header.Get("Content-Encoding") != "aes128gcm" ||
		r.Header.Get("TTL") != "86400" {
		t.Errorf("request %s %s, Content-Encoding %q, TTL %q", r.Method, r.URL.Path, r.Header.Get("Content-Encoding"), r.Header.Get("TTL"))
	}
	checkVAPID(t, r.Header.Get("Authorization"), pub, svc.srv.URL)
	if strings.Contains(string(svc.body[0]), "out for delivery") {
		t.Fatal("payload sent in clear")
	}
	var got struct{ Title, Body, URL, Tag string }
	if err := json.Unmarshal(decryptAES128GCM(t, svc.body[0], ua, authSecret), &got); err != nil {
		t.Fatal(err)
	}
	if got.Title != "Your order #1001 is out for delivery today" || got.URL != "https://t.example/track/X" || got.Tag != "shipment-7" {
		t.Errorf("decrypted %+v", got)
	}

	// A subscription the browser dropped is gone for good; a busy service is retried.
	var perm *PermanentError
	svc.code = http.StatusGone
	if err := s.Send(t.Context(), m); !errors.As(err, &perm) {
		t.Errorf("410: %v, want permanent", err)
	}
	svc.code = http.StatusTooManyRequests
	if err := s.Send(t.Context(), m); err == nil || errors.As(err, &perm) {
		t.Errorf("429: %v, want retryable", err)
	}
	m.Target = "http://insecure.example/push"
	if err := s.Send(t.Context(), m); !errors.As(err, &perm) {
		t.Errorf("http endpoint: %v", err)
	}
}

func TestNtfy(t *testing.T) {
	var got *http.Request
	var gotBody string
	code := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, gotBody = r, string(b)
		w.WriteHeader(code)
	}))
	defer srv.Close()
	s, err := NewNtfySender(NtfyConfig{BaseURL: srv.URL + "/", Token: "tk_1"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(NtfyBody{Title: "Order #1001 delivered", Message: "Kiez Laden: order #1001 has been delivered.",
		Tags: []string{"package", "white_check_mark"}, Click: "https://t.example/track/X", Priority: 3})
	m := Message{ID: "msg_n1", TenantID: 1, Channel: Ntfy, Target: s.TopicURL("kiez-orders_1"), Body: body}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/kiez-orders_1" || got.Header.Get("Title") != "Order #1001 delivered" ||
		got.Header.Get("Tags") != "package,white_check_mark" || got.Header.Get("Click") != "https://t.example/track/X" ||
		got.Header.Get("Priority") != "3" || got.Header.Get("Authorization") != "Bearer tk_1" ||
		gotBody != "Kiez Laden: order #1001 has been delivered." {
		t.Errorf("request %s headers %v body %q", got.URL.Path, got.Header, gotBody)
	}
	var perm *PermanentError
	for _, target := range []string{"https://evil.example/topic", "../admin", "a b"} {
		m.Target = target
		if err := s.Send(t.Context(), m); !errors.As(err, &perm) {
			t.Errorf("target %q: %v, want a permanent refusal", target, err)
		}
	}
	m.Target = "kiez-orders_1"
	code = http.StatusInternalServerError
	if err := s.Send(t.Context(), m); err == nil || errors.As(err, &perm) {
		t.Errorf("500: %v, want retryable", err)
	}
	code = http.StatusForbidden
	if err := s.Send(t.Context(), m); !errors.As(err, &perm) {
		t.Errorf("403: %v, want permanent", err)
	}
}
